// SPDX-License-Identifier: Apache-2.0
// Virtual guests as Nova servers: the flavor table, the state mapping, times, addresses, tags and orders.
#include <boost/test/unit_test.hpp>

#include <jumpgate/fault.hpp>

#include "guests.hpp"

using namespace jumpgate;
using namespace jumpgate::softlayer;

namespace {

json guest(const char* power, json transaction = nullptr, const char* provisioned = "2024-05-01T10:00:00-06:00")
{
    return {{"id", 77},
            {"hostname", "web-1"},
            {"provisionDate", provisioned ? json(provisioned) : json(nullptr)},
            {"powerState", power ? json({{"keyName", power}}) : json(nullptr)},
            {"activeTransaction", transaction}};
}

json transaction(const char* group, const char* status)
{
    return {{"id", 5}, {"transactionGroup", {{"name", group}}}, {"transactionStatus", {{"name", status}}}};
}

std::string status_of(const json& g)
{
    State s = state_of(g);
    return s.vm_state + "/" + s.task_state.value_or("-") + "/" + std::to_string(s.power_state);
}

} // namespace

BOOST_AUTO_TEST_SUITE(softlayer_guests)

BOOST_AUTO_TEST_CASE(power_states_map_to_nova_states)
{
    BOOST_TEST(status_of(guest("RUNNING")) == "active/-/1");
    BOOST_TEST(status_of(guest("HALTED")) == "stopped/-/4");
    BOOST_TEST(status_of(guest("PAUSED")) == "paused/-/3");
    BOOST_TEST(status_of(guest(nullptr)) == "error/-/0");
}

BOOST_AUTO_TEST_CASE(transactions_map_to_tasks)
{
    // Not provisioned yet: building, whatever the power state says.
    BOOST_TEST(status_of(guest(nullptr, transaction("Provision", "CLOUD_PROVISION_SETUP"), nullptr)) ==
               "building/spawning/0");
    BOOST_TEST(status_of(guest("RUNNING", transaction("OS Reload", "CLOUD_RELOAD_SETUP"))) == "active/rebuilding/1");
    BOOST_TEST(status_of(guest("HALTED", transaction("OS Reload", "RELOAD"))) == "stopped/rebuilding/4");
    BOOST_TEST(status_of(guest("RUNNING", transaction("Image Capture", "CLOUD_CREATE_IMAGE"))) ==
               "active/image_uploading/1");
    BOOST_TEST(status_of(guest("RUNNING", transaction("Cancel", "RECLAIM_WAIT"))) == "active/deleting/1");
    BOOST_TEST(status_of(guest("RUNNING", transaction("Maintenance", "CLOUD_SOMETHING"))) == "active/-/1");
}

BOOST_AUTO_TEST_CASE(softlayer_times_with_offsets_and_without)
{
    BOOST_TEST(time_of("2024-05-01T10:00:00-06:00").value() == 1714579200);
    BOOST_TEST(time_of("2024-05-01T16:00:00Z").value() == 1714579200);
    BOOST_TEST(time_of("2024-05-01T16:00:00").value() == 1714579200);
    BOOST_TEST(time_of("2024-05-01 16:00:00").value() == 1714579200);
    BOOST_TEST(time_of("2024-05-01T17:30:00.123+01:30").value() == 1714579200);
    BOOST_TEST(!time_of(""));
    BOOST_TEST(!time_of("yesterday at noon"));
    BOOST_TEST(!time_of("2024-05-01T16:00:00 and more"));
}

BOOST_AUTO_TEST_CASE(a_flavor_table_is_read_and_checked)
{
    auto table = flavor_table(R"([{"id": 7, "name": "big", "vcpus": 4, "ram": 8192, "disk": 100, "local_disk": true,
                                   "nic_speed": 1000, "description": "a big one"}])");
    BOOST_TEST(table.size() == 1u);
    BOOST_TEST(table[0].id == "7");
    BOOST_TEST(table[0].vcpus == 4);
    BOOST_TEST(table[0].extra_specs.at("softlayer:local_disk") == "true");
    BOOST_TEST(table[0].extra_specs.at("softlayer:nic_speed") == "1000");
    BOOST_TEST(*table[0].description == "a big one");
    BOOST_CHECK_THROW(flavor_table("{}"), std::invalid_argument);
    BOOST_CHECK_THROW(flavor_table("[{\"id\": \"1\", \"name\": \"a\", \"vcpus\": 1, \"ram\": 512}]"),
                      std::invalid_argument); // no disk
    BOOST_CHECK_THROW(flavor_table("[{\"id\": \"1\", \"name\": \"a\", \"vcpus\": 0, \"ram\": 512, \"disk\": 1}]"),
                      std::invalid_argument);
    BOOST_CHECK_THROW(flavor_table("[{\"id\": \"1\", \"name\": \"a\", \"vcpus\": 1, \"ram\": 512, \"disk\": 1, "
                                   "\"cpus\": 2}]"),
                      std::invalid_argument); // a misspelt field is not ignored
    BOOST_CHECK_THROW(flavor_table("[{\"id\": \"1\", \"name\": \"a\", \"vcpus\": 1, \"ram\": 512, \"disk\": 1}, "
                                   "{\"id\": \"1\", \"name\": \"b\", \"vcpus\": 1, \"ram\": 512, \"disk\": 1}]"),
                      std::invalid_argument); // a taken id
    try {
        flavor_table("[{\"id\": \"x\", \"name\": \"a\", \"vcpus\": 1, \"ram\": -5, \"disk\": 1}]");
    } catch (const std::invalid_argument& e) {
        BOOST_TEST(std::string(e.what()) == "flavor x: ram is not a positive integer");
    }
    BOOST_TEST(default_flavors().size() == 5u);
}

BOOST_AUTO_TEST_CASE(a_guest_as_a_server)
{
    json g = guest("RUNNING");
    g.update({{"accountId", 1001},
              {"maxCpu", 2},
              {"maxMemory", 4096},
              {"createDate", "2024-05-01T09:00:00-06:00"},
              {"datacenter", {{"name", "dal10"}}},
              {"blockDevices", {{{"device", "0"}, {"diskImage", {{"capacity", 25}}}}, {{"device", "1"}}}},
              {"blockDeviceTemplateGroup", {{"globalIdentifier", "6ab2c3d1-5f0e-4c7b-9a61-2f1e3b4c5d01"}}},
              {"networkComponents",
               {{{"port", 0}, {"macAddress", "06:00:00:00:4d:00"}, {"primaryIpAddress", "10.1.2.3"}},
                {{"port", 1}, {"macAddress", "06:00:00:00:4d:01"}, {"primaryIpAddress", "169.1.2.3"}}}},
              {"tagReferences", {{{"tag", {{"name", "role=web"}}}}, {{"tag", {{"name", "blue"}}}}}},
              {"sshKeys", {{{"label", "mykey"}}}},
              {"userData", {{{"value", "#!/bin/sh"}}}},
              {"billingItem", {{"orderItem", {{"order", {{"userRecordId", 555}}}}}}}});
    auto s = server_of(g, default_flavors(), "ignored");
    BOOST_TEST(s.id == "77");
    BOOST_TEST(s.name == "web-1");
    BOOST_TEST(s.project_id == "1001");
    BOOST_TEST(s.user_id == "555");
    BOOST_TEST(s.flavor.name == "sl.medium");
    BOOST_TEST(s.image_id == "6ab2c3d1-5f0e-4c7b-9a61-2f1e3b4c5d01");
    BOOST_TEST(s.availability_zone == "dal10");
    BOOST_TEST(s.metadata.at("role") == "web");
    BOOST_TEST(s.tags == std::vector<std::string>{"blue"});
    BOOST_TEST(*s.key_name == "mykey");
    BOOST_TEST(s.user_data == "IyEvYmluL3No");
    BOOST_TEST(s.created_at == 1714575600);
    BOOST_TEST(s.updated_at == s.created_at);
    BOOST_TEST(*s.launched_at == 1714579200);
    BOOST_TEST(s.addresses.size() == 2u);
    BOOST_TEST(s.addresses[0].network == "private");
    BOOST_TEST(s.addresses[0].addr == "10.1.2.3");
    BOOST_TEST(s.addresses[0].mac == "06:00:00:00:4d:00");
    BOOST_TEST(s.addresses[1].network == "public");
    // A size the table does not have is named after itself.
    g["maxCpu"] = 3;
    BOOST_TEST(server_of(g, default_flavors(), "p").flavor.id == "custom-3x4096x25");
}

BOOST_AUTO_TEST_CASE(metadata_and_tags_as_softlayer_tags)
{
    compute::Server s;
    s.metadata = {{"role", "web"}};
    s.tags = {"blue"};
    BOOST_TEST(tags_of(s) == (std::vector<std::string>{"role=web", "blue"}));
    s.tags = {"a=b"};
    BOOST_CHECK_THROW(tags_of(s), BadRequest);
    s.tags.clear();
    s.metadata = {{"a=b", "c"}};
    BOOST_CHECK_THROW(tags_of(s), BadRequest);
}

BOOST_AUTO_TEST_CASE(an_order_from_a_template_or_an_operating_system)
{
    compute::Server s;
    s.name = "web-1";
    s.flavor = default_flavors()[4];
    s.image_id = "6ab2c3d1-5f0e-4c7b-9a61-2f1e3b4c5d01";
    s.user_data = "IyEvYmluL3No";
    json t = guest_template(s, "dal10", "example.org", true, {12});
    BOOST_TEST(t["hostname"] == "web-1");
    BOOST_TEST(t["domain"] == "example.org");
    BOOST_TEST(t["startCpus"] == 8);
    BOOST_TEST(t["maxMemory"] == 16384);
    BOOST_TEST(t["hourlyBillingFlag"] == true);
    BOOST_TEST(t["localDiskFlag"] == false);
    BOOST_TEST(t["datacenter"]["name"] == "dal10");
    BOOST_TEST(t["networkComponents"][0]["maxSpeed"] == 1000);
    BOOST_TEST(t["blockDeviceTemplateGroup"]["globalIdentifier"] == s.image_id);
    BOOST_TEST(!t.contains("blockDevices"));
    BOOST_TEST(t["sshKeys"][0]["id"] == 12);
    BOOST_TEST(t["userData"][0]["value"] == "#!/bin/sh");
    s.image_id = "UBUNTU_22_64";
    t = guest_template(s, "dal10", "example.org", false, {});
    BOOST_TEST(t["operatingSystemReferenceCode"] == "UBUNTU_22_64");
    BOOST_TEST(t["blockDevices"][0]["diskImage"]["capacity"] == 100);
    BOOST_TEST(!t.contains("sshKeys"));
}

BOOST_AUTO_TEST_SUITE_END()
