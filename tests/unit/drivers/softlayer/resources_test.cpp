// SPDX-License-Identifier: Apache-2.0
// SoftLayer's image templates, portable storage and VLANs as Glance images, Cinder volumes and Neutron resources.
#include <boost/test/unit_test.hpp>

#include <jumpgate/fault.hpp>

#include "resources.hpp"

using namespace jumpgate;
using namespace jumpgate::softlayer;

namespace {

json template_group(const char* guid, int public_flag, const char* status = "ACTIVE")
{
    return {{"id", 1940001},
            {"accountId", public_flag ? json(nullptr) : json(310001)},
            {"name", std::string("image-") + guid},
            {"globalIdentifier", guid},
            {"createDate", "2024-02-01T08:30:00-06:00"},
            {"publicFlag", public_flag},
            {"status", {{"keyName", status}}},
            {"blockDevicesDiskSpaceTotal", 26843545600LL}};
}

json portable_disk(json block_devices = json::array())
{
    return {{"id", 3610001},
            {"name", "data-a"},
            {"description", "data-a"},
            {"capacity", 50},
            {"createDate", "2024-03-05T09:00:00-06:00"},
            {"modifyDate", "2024-03-06T09:00:00-06:00"},
            {"storageRepository", {{"datacenter", {{"name", "dal10"}}}}},
            {"blockDevices", block_devices},
            {"billingItem", {{"id", 99}}}};
}

std::vector<std::string> ids(const std::vector<image::Image>& images)
{
    std::vector<std::string> out;
    for (const auto& i : images)
        out.push_back(i.id);
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(softlayer_resources)

BOOST_AUTO_TEST_CASE(a_private_template_is_an_active_private_image_of_its_account)
{
    image::Image img = image_of(template_group("0e2c7a61-4a2b-4f0b-9d6e-a1b2c3d4e501", 0));
    BOOST_TEST(img.id == "0e2c7a61-4a2b-4f0b-9d6e-a1b2c3d4e501");
    BOOST_TEST(*img.name == "image-0e2c7a61-4a2b-4f0b-9d6e-a1b2c3d4e501");
    BOOST_TEST(img.status == "active");
    BOOST_TEST(img.visibility == "private");
    BOOST_TEST(img.owner == "310001");
    BOOST_TEST(img.min_disk == 25);
    BOOST_TEST(*img.size == 26843545600LL);
    BOOST_TEST(img.created_at == 1706797800);
}

BOOST_AUTO_TEST_CASE(a_public_template_is_public_and_one_being_captured_is_saving_without_a_size)
{
    BOOST_TEST(image_of(template_group("6ab2c3d1-5f0e-4c7b-9a61-2f1e3b4c5d01", 1)).visibility == "public");
    image::Image capturing = image_of(template_group("6ab2c3d1-5f0e-4c7b-9a61-2f1e3b4c5d02", 0, "CREATE_PENDING"));
    BOOST_TEST(capturing.status == "saving");
    BOOST_TEST(!capturing.size);
    json in_transaction = template_group("6ab2c3d1-5f0e-4c7b-9a61-2f1e3b4c5d03", 0);
    in_transaction["transaction"] = {{"id", 5}};
    BOOST_TEST(image_of(in_transaction).status == "saving");
}

BOOST_AUTO_TEST_CASE(images_are_filtered_sorted_and_paged_as_glance_lists_them)
{
    std::vector<image::Image> all = {image_of(template_group("a0000000-0000-4000-8000-000000000001", 0)),
                                     image_of(template_group("b0000000-0000-4000-8000-000000000002", 1)),
                                     image_of(template_group("c0000000-0000-4000-8000-000000000003", 1))};
    image::ImageQuery q;
    q.filters = {{"visibility", "public"}};
    BOOST_TEST(ids(image::select(q, all)) == (std::vector<std::string>{"c0000000-0000-4000-8000-000000000003",
                                                                       "b0000000-0000-4000-8000-000000000002"}),
               boost::test_tools::per_element());
    q = {};
    q.sort = {{"name", true}};
    q.limit = 1;
    q.marker = "a0000000-0000-4000-8000-000000000001";
    BOOST_TEST(ids(image::select(q, all)) == (std::vector<std::string>{"b0000000-0000-4000-8000-000000000002"}),
               boost::test_tools::per_element());
    q.marker = "d0000000-0000-4000-8000-000000000004";
    BOOST_CHECK_THROW(image::select(q, all), BadRequest);
    q = {};
    q.filters = {{"os_version", "x"}};
    BOOST_CHECK_THROW(image::select(q, all), BadRequest);
    q.filters = {{"property:os_version", "UBUNTU_22_64"}};
    BOOST_TEST(image::select(q, all).empty());
    q.filters = {{"owner", "310001"}};
    BOOST_TEST(ids(image::select(q, all)) == (std::vector<std::string>{"a0000000-0000-4000-8000-000000000001"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_portable_disk_is_available_until_a_guest_has_it)
{
    volume::Volume free = volume_of(portable_disk(), "310001");
    BOOST_TEST(free.id == "3610001");
    BOOST_TEST(*free.name == "data-a");
    BOOST_TEST(free.size == 50);
    BOOST_TEST(free.status == "available");
    BOOST_TEST(free.availability_zone == "dal10");
    BOOST_TEST(free.volume_type == portable_type().name);
    BOOST_TEST(free.attachments.empty());
    BOOST_TEST(free.updated_at > free.created_at);

    volume::Volume used = volume_of(
        portable_disk({{{"id", 555}, {"device", "2"}, {"guestId", 71000001}, {"createDate", "2024-03-07T09:00:00Z"}}}),
        "310001");
    BOOST_TEST(used.status == "in-use");
    BOOST_REQUIRE(used.attachments.size() == 1u);
    BOOST_TEST(used.attachments[0].id == "555");
    BOOST_TEST(used.attachments[0].server_id == "71000001");
    BOOST_TEST(used.attachments[0].volume_id == "3610001");
    BOOST_TEST(used.attachments[0].device == "/dev/xvdc");
    BOOST_TEST(used.attachments[0].attached_at == 1709802000);
}

BOOST_AUTO_TEST_CASE(an_order_being_filled_is_a_volume_being_created)
{
    volume::Volume v = ordered_volume_of({{"id", 4242}, {"createDate", "2024-03-07T09:00:00Z"}}, 20, "310001");
    BOOST_TEST(v.id == "order-4242");
    BOOST_TEST(v.status == "creating");
    BOOST_TEST(v.size == 20);
    BOOST_TEST(v.created_at == 1709802000);
}

BOOST_AUTO_TEST_CASE(a_volume_is_ordered_at_the_smallest_size_that_holds_it)
{
    json items = {{{"id", 1}, {"capacity", "100"}, {"prices", {{{"id", 2257}}}}},
                  {{"id", 2}, {"capacity", "10"}, {"prices", {{{"id", 2254}}}}},
                  {{"id", 3}, {"capacity", "20"}, {"prices", {{{"id", 2255}}}}},
                  {{"id", 4}, {"capacity", "50"}, {"prices", json::array()}}};
    BOOST_TEST((*storage_item(items, 1))["id"] == 2);
    BOOST_TEST((*storage_item(items, 20))["id"] == 3);
    BOOST_TEST((*storage_item(items, 21))["id"] == 1); // the 50 GB disk has no price to order it by
    BOOST_TEST(!storage_item(items, 101));
    json order = storage_order(198, 2255, "dal10", "data");
    BOOST_TEST(order["complexType"] == "SoftLayer_Container_Product_Order_Virtual_Disk_Image");
    BOOST_TEST(order["packageId"] == 198);
    BOOST_TEST(order["location"] == "dal10");
    BOOST_TEST(order["prices"] == json::parse(R"([{"id": 2255}])"));
    BOOST_TEST(order["diskDescription"] == "data");
}

BOOST_AUTO_TEST_CASE(device_numbers_are_xen_disk_names)
{
    BOOST_TEST(device_name("0") == "/dev/xvda");
    BOOST_TEST(device_name("2") == "/dev/xvdc");
    BOOST_TEST(device_name("") == "");
}

BOOST_AUTO_TEST_CASE(a_vlan_is_a_network_and_its_subnets_are_subnets)
{
    json vlan = {{"id", 2810002},
                 {"name", ""},
                 {"vlanNumber", 1201},
                 {"networkSpace", "PRIVATE"},
                 {"fullyQualifiedName", "bcr01a.dal10.1201"},
                 {"modifyDate", "2021-03-01T09:00:00-06:00"},
                 {"subnets", {{{"id", 1810002}}}},
                 {"primaryRouter", {{"datacenter", {{"name", "dal10"}}}}}};
    json n = network_of(vlan, "310001");
    BOOST_TEST(n["id"] == "2810002");
    BOOST_TEST(n["name"] == "bcr01a.dal10.1201");
    BOOST_TEST(n["subnets"] == json::array({"1810002"}));
    BOOST_TEST(n["project_id"] == "310001");
    BOOST_TEST(n["availability_zones"] == json::array({"dal10"}));
    BOOST_TEST(n["created_at"] == "2021-03-01T15:00:00Z");
    vlan["name"] = "back-a";
    BOOST_TEST(network_of(vlan, "310001")["name"] == "back-a");

    json s = subnet_of({{"id", 1810002},
                        {"networkIdentifier", "10.171.20.0"},
                        {"cidr", 26},
                        {"gateway", "10.171.20.1"},
                        {"version", 4},
                        {"networkVlanId", 2810002}},
                       "310001");
    BOOST_TEST(s["id"] == "1810002");
    BOOST_TEST(s["network_id"] == "2810002");
    BOOST_TEST(s["cidr"] == "10.171.20.0/26");
    BOOST_TEST(s["gateway_ip"] == "10.171.20.1");
    BOOST_TEST(s["ip_version"] == 4);
    BOOST_TEST(s["enable_dhcp"] == false);
}

BOOST_AUTO_TEST_CASE(a_guest_network_component_is_a_port_of_its_vlan)
{
    json component = {{"id", 900},
                      {"port", 0},
                      {"macAddress", "06:04:3b:6c:41:00"},
                      {"primaryIpAddress", "10.171.20.2"},
                      {"status", "ACTIVE"},
                      {"networkVlan", {{"id", 2810002}}},
                      {"primaryIpAddressRecord", {{"subnetId", 1810002}, {"ipAddress", "10.171.20.2"}}}};
    json p = port_of(component, {{"id", 71000001}, {"datacenter", {{"name", "dal10"}}}}, "310001");
    BOOST_TEST(p["id"] == "900");
    BOOST_TEST(p["network_id"] == "2810002");
    BOOST_TEST(p["device_id"] == "71000001");
    BOOST_TEST(p["device_owner"] == "compute:dal10");
    BOOST_TEST(p["mac_address"] == "06:04:3b:6c:41:00");
    BOOST_TEST(p["fixed_ips"] == json::parse(R"([{"subnet_id": "1810002", "ip_address": "10.171.20.2"}])"));
    BOOST_TEST(p["status"] == "ACTIVE");
    component["status"] = "DISABLED";
    component.erase("primaryIpAddress");
    BOOST_TEST(port_of(component, json::object(), "310001")["status"] == "DOWN");
    BOOST_TEST(port_of(component, json::object(), "310001")["fixed_ips"].empty());
}

BOOST_AUTO_TEST_SUITE_END()
