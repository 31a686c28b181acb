// SPDX-License-Identifier: Apache-2.0
// Nova's /extensions: the extensions this cloud really serves, each listed only while a driver serves its endpoint.
#include "api/compute/compute.hpp"

#include <jumpgate/fault.hpp>

namespace jumpgate::api::compute {

namespace {

/* Extension: one entry of the listing and the endpoint whose handler means it is there. */
struct Extension {
    const char* alias;
    const char* name;
    const char* endpoint;
    const char* description;
    const char* namespace_uri;
    const char* updated;
};

// Nova 2.1 lists every extension with the same placeholder namespace and date; os-volumes keeps the
// fields its own specification (seed 002) gives.
constexpr const char* kNamespace = "http://docs.openstack.org/compute/ext/fake_xml";
constexpr const char* kUpdated = "2014-12-03T00:00:00Z";

constexpr Extension kExtensions[] = {
    {"os-availability-zone", "AvailabilityZone", "v2_availability_zone",
     "1. Add availability_zone to the Create Server API. 2. Add availability zones describing.", kNamespace, kUpdated},
    {"os-extended-availability-zone", "ExtendedAvailabilityZone", "v2_server", "Extended Availability Zone support.",
     kNamespace, kUpdated},
    {"OS-EXT-STS", "ExtendedStatus", "v2_server", "Extended Status support.", kNamespace, kUpdated},
    {"OS-EXT-SRV-ATTR", "ExtendedServerAttributes", "v2_server", "Extended Server Attributes support.", kNamespace,
     kUpdated},
    {"OS-EXT-IPS", "ExtendedIps", "v2_server", "Adds type parameter to the ip list.", kNamespace, kUpdated},
    {"OS-EXT-IPS-MAC", "ExtendedIpsMac", "v2_server", "Adds mac address parameter to the ip list.", kNamespace,
     kUpdated},
    {"OS-SRV-USG", "ServerUsage", "v2_server", "Adds launched_at and terminated_at on Servers.", kNamespace, kUpdated},
    {"OS-DCF", "DiskConfig", "v2_server", "Disk Management Extension.", kNamespace, kUpdated},
    {"os-server-start-stop", "ServerStartStop", "v2_server_action", "Start/Stop instance compute API support.",
     kNamespace, kUpdated},
    {"os-admin-actions", "AdminActions", "v2_server_action", "Enable admin-only server actions.", kNamespace, kUpdated},
    {"os-lock-server", "LockServer", "v2_server_action", "Enable lock/unlock server actions.", kNamespace, kUpdated},
    {"os-pause-server", "PauseServer", "v2_server_action", "Enable pause/unpause server actions.", kNamespace,
     kUpdated},
    {"os-suspend-server", "SuspendServer", "v2_server_action", "Enable suspend/resume server actions.", kNamespace,
     kUpdated},
    {"os-rescue", "Rescue", "v2_server_action", "Instance rescue mode.", kNamespace, kUpdated},
    {"os-shelve", "Shelve", "v2_server_action", "Instance shelve mode.", kNamespace, kUpdated},
    {"os-console-output", "ConsoleOutput", "v2_server_action", "Console log output support, with tailing ability.",
     kNamespace, kUpdated},
    {"os-create-backup", "CreateBackup", "v2_server_action", "Create a backup of a server.", kNamespace, kUpdated},
    {"os-server-tags", "ServerTags", "v2_server_tags", "Server tags support.", kNamespace, kUpdated},
    {"os-instance-actions", "InstanceActions", "v2_os_instance_actions",
     "View a log of actions and events taken on an instance.", kNamespace, kUpdated},
    {"os-keypairs", "Keypairs", "v2_os_keypairs", "Keypair Support.", kNamespace, kUpdated},
    {"os-flavor-extra-specs", "FlavorExtraSpecs", "v2_os_extra_specs_flavor", "Flavors extra specs support.",
     kNamespace, kUpdated},
    {"os-flavor-access", "FlavorAccess", "v2_flavor_access", "Flavor access support.", kNamespace, kUpdated},
    {"os-flavor-manage", "FlavorManage", "v2_flavor", "Flavor create/delete API support.", kNamespace, kUpdated},
    {"OS-FLV-EXT-DATA", "FlavorExtraData", "v2_flavors_detail", "Provide additional data for flavors.", kNamespace,
     kUpdated},
    {"os-flavor-rxtx", "FlavorRxtx", "v2_flavors_detail", "Support to show the rxtx status of a flavor.", kNamespace,
     kUpdated},
    {"OS-FLV-DISABLED", "FlavorDisabled", "v2_flavors_detail", "Support to show the disabled status of a flavor.",
     kNamespace, kUpdated},
    {"os-quota-sets", "Quotas", "v2_os_quota_sets_target", "Quotas management support.", kNamespace, kUpdated},
    {"os-used-limits", "UsedLimits", "v2_limits", "Provide data on limited resources that are being used.", kNamespace,
     kUpdated},
    {"os-simple-tenant-usage", "SimpleTenantUsage", "v2_tenant_usage", "Simple tenant usage extension.", kNamespace,
     kUpdated},
    {"os-image-metadata", "ImageMetadata", "v2_image_metadata", "Image Metadata support.", kNamespace, kUpdated},
    {"OS-EXT-IMG-SIZE", "ImageSize", "v2_images_detail", "Adds image size to image listings.", kNamespace, kUpdated},
    {"os-server-groups", "ServerGroups", "v2_os_server_groups", "Server group support.", kNamespace, kUpdated},
    {"os-security-groups", "SecurityGroups", "v2_os_security_groups", "Security group support.", kNamespace, kUpdated},
    {"os-floating-ips", "FloatingIps", "v2_os_floating_ips", "Floating IPs support.", kNamespace, kUpdated},
    {"os-floating-ip-dns", "FloatingIpDns", "v2_os_floating_ip_dns", "Floating IP DNS support.", kNamespace, kUpdated},
    {"os-consoles", "Consoles", "v2_os_consoles", "Interactive Console support.", kNamespace, kUpdated},
    {"os-floating-ip-pools", "FloatingIpPools", "v2_os_floating_ip_pools", "Floating IPs support.", kNamespace,
     kUpdated},
    {"os-networks", "Networks", "v2_os_networks", "Admin-only Network Management Extension.", kNamespace, kUpdated},
    {"os-tenant-networks", "TenantNetworks", "v2_os_tenant_networks", "Tenant-based Network Management Extension.",
     kNamespace, kUpdated},
    {"os-attach-interfaces", "AttachInterfaces", "v2_server_interfaces", "Attach interface support.", kNamespace,
     kUpdated},
    {"os-volumes", "Volumes", "v2_os_volumes", "Volumes support", "http://docs.openstack.org/ext/volumes/api/v1.1",
     "2011-03-25T00:00:00+00:00"},
    {"os-extended-volumes", "ExtendedVolumes", "v2_os_volume_attachments", "Extended Volumes support.", kNamespace,
     kUpdated},
    {"os-hypervisors", "Hypervisors", "v2_os_hypervisors", "Admin-only hypervisor administration.", kNamespace,
     kUpdated},
    {"os-services", "Services", "v2_os_services", "Services support.", kNamespace, kUpdated},
    {"os-aggregates", "Aggregates", "v2_os_aggregates", "Admin-only aggregate administration.", kNamespace, kUpdated},
    {"os-hosts", "Hosts", "v2_os_hosts", "Admin-only host administration.", kNamespace, kUpdated},
    {"os-instance-usage-audit-log", "OSInstanceUsageAuditLog", "v2_os_instance_usage_audit_log",
     "Admin-only Task Log Monitoring.", kNamespace, kUpdated},
};

json view(const Extension& e)
{
    return {
        {"alias", e.alias},     {"name", e.name},        {"description", e.description}, {"namespace", e.namespace_uri},
        {"updated", e.updated}, {"links", json::array()}};
}

bool served(const Dispatcher& disp, const Extension& e)
{
    for (const char* verb : {"GET", "POST", "PUT", "DELETE"})
        if (disp.has_handler(e.endpoint, verb))
            return true;
    return false;
}

} // namespace

void install_extensions(Dispatcher& disp)
{
    disp.set_handler("v2_extensions", {.get = [](const Request& req, Response& resp) {
                         json list = json::array();
                         for (const auto& e : kExtensions)
                             if (served(*req.dispatcher(), e))
                                 list.push_back(view(e));
                         resp.json({{"extensions", std::move(list)}});
                     }});
    disp.set_handler("v2_extension", {.get = [](const Request& req, Response& resp) {
                         for (const auto& e : kExtensions)
                             if (req.param("alias") == e.alias && served(*req.dispatcher(), e))
                                 return resp.json({{"extension", view(e)}});
                         throw NotFound("Extension " + req.param("alias") + " could not be found.");
                     }});
}

} // namespace jumpgate::api::compute
