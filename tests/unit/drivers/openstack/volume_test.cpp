// SPDX-License-Identifier: Apache-2.0
// The openstack driver's Cinder v3 mapping: volumes, snapshots, types and quota sets as the core's records.
#include <boost/test/unit_test.hpp>

#include <jumpgate/fault.hpp>

#include "volume.hpp"

using namespace jumpgate;
using namespace jumpgate::openstack;

BOOST_AUTO_TEST_SUITE(openstack_volume)

BOOST_AUTO_TEST_CASE(a_cinder_volume_maps_onto_the_core_volume)
{
    json v3 = json::parse(R"({
        "id": "v-1", "name": "data", "description": null, "size": 3, "status": "in-use",
        "volume_type": "lvm", "availability_zone": "az1", "bootable": "true", "multiattach": false,
        "snapshot_id": null, "source_volid": "v-0", "user_id": "u-1",
        "metadata": {"tier": "gold", "readonly": "True", "n": 5},
        "volume_image_metadata": {"image_id": "i-1", "image_name": "debian"},
        "attachments": [{"id": "v-1", "attachment_id": "a-1", "server_id": "s-1", "device": "/dev/vdb",
                         "host_name": null, "volume_id": "v-1", "attached_at": "2024-05-01T10:00:07.000000"}],
        "created_at": "2024-05-01T10:00:00.000000", "updated_at": null,
        "links": [{"rel": "self", "href": "http://h:8776/v3/p/volumes/v-1"}]})");
    volume::Volume v = volume_of(v3, "caller");
    BOOST_TEST(v.id == "v-1");
    BOOST_TEST(*v.name == "data");
    BOOST_TEST(!v.description);
    BOOST_TEST(v.project_id == "caller"); // Cinder shows a member no project: it is the caller's
    BOOST_TEST((v.size == 3 && v.status == "in-use" && v.volume_type == "lvm" && v.availability_zone == "az1"));
    BOOST_TEST(v.bootable);
    BOOST_TEST(!v.multiattach);
    BOOST_TEST(!v.snapshot_id);
    BOOST_TEST(*v.source_volid == "v-0");
    // The readonly flag is Cinder's admin metadata shown as metadata: it is the volume's flag, not its metadata.
    BOOST_TEST((v.readonly && v.readonly_set));
    BOOST_TEST((v.metadata == std::map<std::string, std::string>{{"tier", "gold"}, {"n", "5"}}));
    BOOST_TEST(*v.image_id == "i-1");
    BOOST_TEST(v.image_metadata.at("image_name") == "debian");
    BOOST_TEST(v.attachments.size() == 1u);
    BOOST_TEST((v.attachments[0].id == "a-1" && v.attachments[0].server_id == "s-1"));
    BOOST_TEST(v.attachments[0].device == "/dev/vdb");
    BOOST_TEST(v.attachments[0].attached_at == 1714557607);
    BOOST_TEST(v.created_at == 1714557600);
    BOOST_TEST(v.updated_at == 0);

    v3["os-vol-tenant-attr:tenant_id"] = "owner";
    v3["bootable"] = "False";
    BOOST_TEST(volume_of(v3, "admin-project").project_id == "owner"); // an admin sees the owner
    BOOST_TEST(!volume_of(v3, "p").bootable);
    BOOST_CHECK_THROW(volume_of(json::parse(R"({"volume": {"id": "x"}})"), "p"), ServiceUnavailable);
    BOOST_CHECK_THROW(volume_of(json(), "p"), ServiceUnavailable);
}

BOOST_AUTO_TEST_CASE(snapshots_types_and_quota_sets)
{
    volume::Snapshot s = snapshot_of(json::parse(R"({
        "id": "s-1", "name": "nightly", "description": "d", "volume_id": "v-1", "size": 2, "status": "available",
        "metadata": {}, "created_at": "2024-05-01T10:00:00.000000",
        "os-extended-snapshot-attributes:project_id": "owner"})"),
                                     "caller");
    BOOST_TEST((s.id == "s-1" && *s.name == "nightly" && s.volume_id == "v-1" && s.size == 2));
    BOOST_TEST(s.project_id == "owner");
    BOOST_CHECK_THROW(snapshot_of(json::array(), "p"), ServiceUnavailable);

    volume::VolumeType t = type_of(json::parse(R"({"id": "t-1", "name": "lvm", "description": null,
        "os-volume-type-access:is_public": false, "extra_specs": {"volume_backend_name": "lvm", "n": 1}})"));
    BOOST_TEST((t.id == "t-1" && t.name == "lvm" && !t.description && !t.is_public));
    BOOST_TEST(t.extra_specs.at("n") == "1");
    BOOST_TEST(type_of(json::parse(R"({"id": "t-2", "name": "x"})")).is_public);

    json usage = json::parse(R"({"id": "p", "volumes": {"limit": 10, "in_use": 2, "reserved": 0},
        "gigabytes": {"limit": -1, "in_use": 7, "reserved": 0}})");
    BOOST_TEST((quota_of(usage) == volume::QuotaSet{{"volumes", 10}, {"gigabytes", -1}}));
    BOOST_TEST((quota_of(usage, true) == volume::QuotaSet{{"volumes", 2}, {"gigabytes", 7}}));
    BOOST_TEST((quota_of(json::parse(R"({"id": "p", "volumes": 5})")) == volume::QuotaSet{{"volumes", 5}}));
    BOOST_CHECK_THROW(quota_of(json()), ServiceUnavailable);
}

BOOST_AUTO_TEST_SUITE_END()
