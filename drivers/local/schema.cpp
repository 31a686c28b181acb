// SPDX-License-Identifier: Apache-2.0
// The local cloud's schema, as numbered migrations; a new table or column is a new step, never an edit.
#include "local.hpp"

namespace jumpgate::local {

namespace {
constexpr Migration kMigrations[] = {
    {1, "compute flavors", R"sql(
CREATE TABLE flavors (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    vcpus INTEGER NOT NULL,
    ram INTEGER NOT NULL,
    disk INTEGER NOT NULL,
    ephemeral INTEGER NOT NULL DEFAULT 0,
    swap INTEGER NOT NULL DEFAULT 0,
    rxtx_factor REAL NOT NULL DEFAULT 1.0,
    is_public INTEGER NOT NULL DEFAULT 1,
    disabled INTEGER NOT NULL DEFAULT 0,
    description TEXT
);
CREATE TABLE flavor_extra_specs (
    flavor_id TEXT NOT NULL REFERENCES flavors(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (flavor_id, key)
);
INSERT INTO flavors (id, name, vcpus, ram, disk) VALUES
    ('1', 'm1.tiny', 1, 512, 1),
    ('2', 'm1.small', 1, 2048, 20),
    ('3', 'm1.medium', 2, 4096, 40),
    ('4', 'm1.large', 4, 8192, 80),
    ('5', 'm1.xlarge', 8, 16384, 160),
    ('42', 'm1.nano', 1, 128, 1),
    ('84', 'm1.micro', 1, 192, 1);
INSERT INTO flavor_extra_specs (flavor_id, key, value) VALUES
    ('42', 'hw_rng:allowed', 'True'),
    ('84', 'hw_rng:allowed', 'True');
)sql"},
    {2, "identity", R"sql(
CREATE TABLE domains (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    enabled INTEGER NOT NULL DEFAULT 1
);
INSERT INTO domains (id, name, description) VALUES ('default', 'Default', 'The default domain');
CREATE TABLE projects (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    domain_id TEXT NOT NULL REFERENCES domains(id),
    description TEXT NOT NULL DEFAULT '',
    enabled INTEGER NOT NULL DEFAULT 1,
    UNIQUE (domain_id, name)
);
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    domain_id TEXT NOT NULL REFERENCES domains(id),
    description TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    enabled INTEGER NOT NULL DEFAULT 1,
    password_hash TEXT NOT NULL,
    UNIQUE (domain_id, name)
);
CREATE TABLE roles (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE role_assignments (
    role_id TEXT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    project_id TEXT REFERENCES projects(id) ON DELETE CASCADE,
    domain_id TEXT REFERENCES domains(id) ON DELETE CASCADE,
    CHECK ((project_id IS NULL) <> (domain_id IS NULL))
);
CREATE UNIQUE INDEX role_assignments_unique ON role_assignments
    (role_id, user_id, IFNULL(project_id, ''), IFNULL(domain_id, ''));
CREATE TABLE revoked_tokens (
    audit_id TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
);
)sql"},
    {3, "application credentials", R"sql(
CREATE TABLE application_credentials (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    roles TEXT NOT NULL,
    expires_at INTEGER NOT NULL DEFAULT 0,
    unrestricted INTEGER NOT NULL DEFAULT 0,
    secret_hash TEXT NOT NULL,
    UNIQUE (user_id, name)
);
)sql"},
    {4, "revocation events", R"sql(
CREATE TABLE revocation_events (
    user_id TEXT,
    project_id TEXT,
    revoked_at INTEGER NOT NULL
);
CREATE INDEX revocation_events_user ON revocation_events (user_id, revoked_at);
CREATE INDEX revocation_events_project ON revocation_events (project_id, revoked_at);
)sql"},
    {5, "images", R"sql(
CREATE TABLE images (
    id TEXT PRIMARY KEY,
    name TEXT,
    status TEXT NOT NULL,
    visibility TEXT NOT NULL,
    protected INTEGER NOT NULL DEFAULT 0,
    owner TEXT NOT NULL,
    disk_format TEXT,
    container_format TEXT,
    size INTEGER,
    virtual_size INTEGER,
    checksum TEXT,
    os_hash_algo TEXT,
    os_hash_value TEXT,
    min_disk INTEGER NOT NULL DEFAULT 0,
    min_ram INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX images_owner ON images (owner);
CREATE INDEX images_created ON images (created_at, id);
CREATE TABLE image_properties (
    image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (image_id, key)
);
CREATE TABLE image_tags (
    image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (image_id, tag)
);
CREATE TABLE image_members (
    image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    member_id TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    can_share INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (image_id, member_id)
);
CREATE INDEX image_members_member ON image_members (member_id);
)sql"},
    {6, "servers, their usage, keypairs, compute quotas and flavor access", R"sql(
CREATE TABLE servers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    project_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    vm_state TEXT NOT NULL,
    task_state TEXT,
    power_state INTEGER NOT NULL DEFAULT 0,
    task_until INTEGER NOT NULL DEFAULT 0,
    next_vm_state TEXT,
    next_power_state INTEGER NOT NULL DEFAULT 0,
    image_id TEXT NOT NULL,
    flavor_json TEXT NOT NULL,
    old_flavor_json TEXT,
    key_name TEXT,
    availability_zone TEXT NOT NULL,
    metadata_json TEXT NOT NULL DEFAULT '{}',
    tags_json TEXT NOT NULL DEFAULT '[]',
    security_groups_json TEXT NOT NULL DEFAULT '[]',
    networks_json TEXT NOT NULL DEFAULT '"none"',
    access_ipv4 TEXT NOT NULL DEFAULT '',
    access_ipv6 TEXT NOT NULL DEFAULT '',
    description TEXT,
    user_data TEXT NOT NULL DEFAULT '',
    host TEXT NOT NULL DEFAULT '',
    locked INTEGER NOT NULL DEFAULT 0,
    locked_reason TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    launched_at INTEGER
);
CREATE INDEX servers_project ON servers (project_id, created_at);
CREATE INDEX servers_created ON servers (created_at);
CREATE TABLE instance_actions (
    server_id TEXT NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
    action TEXT NOT NULL,
    request_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    project_id TEXT NOT NULL,
    start_time INTEGER NOT NULL
);
CREATE INDEX instance_actions_server ON instance_actions (server_id);
CREATE TABLE keypairs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    public_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (user_id, name)
);
CREATE TABLE compute_quotas (
    project_id TEXT NOT NULL,
    resource TEXT NOT NULL,
    hard_limit INTEGER NOT NULL,
    PRIMARY KEY (project_id, resource)
);
CREATE TABLE flavor_projects (
    flavor_id TEXT NOT NULL REFERENCES flavors(id) ON DELETE CASCADE,
    project_id TEXT NOT NULL,
    PRIMARY KEY (flavor_id, project_id)
);
-- What os-simple-tenant-usage reports outlives the server: one row per server, ended when it is deleted.
CREATE TABLE server_usage (
    server_id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    flavor_json TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    ended_at INTEGER
);
CREATE INDEX server_usage_project ON server_usage (project_id, started_at);
)sql"},
    {7, "block storage: volumes, their attachments and snapshots, volume types and quotas", R"sql(
CREATE TABLE volume_types (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT,
    is_public INTEGER NOT NULL DEFAULT 1,
    is_default INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE volume_type_extra_specs (
    type_id TEXT NOT NULL REFERENCES volume_types(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (type_id, key)
);
CREATE TABLE volume_type_projects (
    type_id TEXT NOT NULL REFERENCES volume_types(id) ON DELETE CASCADE,
    project_id TEXT NOT NULL,
    PRIMARY KEY (type_id, project_id)
);
INSERT INTO volume_types (id, name, description, is_public, is_default) VALUES
    ('b8a8a2d1-6c4e-4f3a-9d2b-7f1e0c5a4d10', '__DEFAULT__', 'Default Volume Type', 1, 1),
    ('6e3f5b2a-1d4c-4a8e-8b7f-2c9d0e1f3a42', 'lvmdriver-1', NULL, 1, 0);
INSERT INTO volume_type_extra_specs (type_id, key, value) VALUES
    ('6e3f5b2a-1d4c-4a8e-8b7f-2c9d0e1f3a42', 'volume_backend_name', 'lvmdriver-1');
-- A volume's status changes by the clock: once status_until has passed, next_status (when set) is its status.
CREATE TABLE volumes (
    id TEXT PRIMARY KEY,
    name TEXT,
    description TEXT,
    project_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    size INTEGER NOT NULL,
    status TEXT NOT NULL,
    status_until INTEGER NOT NULL DEFAULT 0,
    next_status TEXT,
    volume_type_id TEXT NOT NULL REFERENCES volume_types(id),
    availability_zone TEXT NOT NULL,
    bootable INTEGER NOT NULL DEFAULT 0,
    multiattach INTEGER NOT NULL DEFAULT 0,
    readonly INTEGER NOT NULL DEFAULT 0,
    snapshot_id TEXT,
    source_volid TEXT,
    image_id TEXT,
    image_metadata_json TEXT NOT NULL DEFAULT '{}',
    metadata_json TEXT NOT NULL DEFAULT '{}',
    host TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX volumes_project ON volumes (project_id, created_at);
CREATE INDEX volumes_created ON volumes (created_at);
CREATE INDEX volumes_type ON volumes (volume_type_id);
CREATE TABLE volume_attachments (
    id TEXT PRIMARY KEY,
    volume_id TEXT NOT NULL REFERENCES volumes(id) ON DELETE CASCADE,
    server_id TEXT NOT NULL,
    device TEXT NOT NULL DEFAULT '',
    host TEXT NOT NULL DEFAULT '',
    mode TEXT NOT NULL DEFAULT 'rw',
    attached_at INTEGER NOT NULL,
    delete_on_termination INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX volume_attachments_volume ON volume_attachments (volume_id);
CREATE INDEX volume_attachments_server ON volume_attachments (server_id);
-- No cascade from volumes: a volume with snapshots is refused deletion, so none is orphaned.
CREATE TABLE volume_snapshots (
    id TEXT PRIMARY KEY,
    name TEXT,
    description TEXT,
    volume_id TEXT NOT NULL REFERENCES volumes(id),
    project_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    size INTEGER NOT NULL,
    status TEXT NOT NULL,
    status_until INTEGER NOT NULL DEFAULT 0,
    next_status TEXT,
    metadata_json TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX volume_snapshots_project ON volume_snapshots (project_id, created_at);
CREATE INDEX volume_snapshots_created ON volume_snapshots (created_at);
CREATE INDEX volume_snapshots_volume ON volume_snapshots (volume_id);
CREATE TABLE volume_quotas (
    project_id TEXT NOT NULL,
    resource TEXT NOT NULL,
    hard_limit INTEGER NOT NULL,
    PRIMARY KEY (project_id, resource)
);
)sql"},
    {8, "network", R"sql(
-- Each Neutron resource is its JSON document; parent_id (a subnet's or port's network, a floating IP's network,
-- a rule's group, a router's gateway network) and device_id (a port's device, a floating IP's port) repeat what
-- the driver looks resources up by.
CREATE TABLE network_resources (
    collection TEXT NOT NULL,
    id TEXT NOT NULL,
    project_id TEXT NOT NULL,
    parent_id TEXT,
    device_id TEXT,
    document TEXT NOT NULL,
    PRIMARY KEY (collection, id)
);
CREATE INDEX network_resources_parent ON network_resources (collection, parent_id);
CREATE INDEX network_resources_device ON network_resources (collection, device_id);
CREATE INDEX network_resources_project ON network_resources (collection, project_id);
-- Allocation happens inside BEGIN IMMEDIATE; the primary key is the backstop against two ports sharing an address.
CREATE TABLE network_ip_allocations (
    subnet_id TEXT NOT NULL,
    ip_address TEXT NOT NULL,
    port_id TEXT NOT NULL,
    network_id TEXT NOT NULL,
    PRIMARY KEY (subnet_id, ip_address)
);
CREATE INDEX network_ip_allocations_port ON network_ip_allocations (port_id);
CREATE TABLE network_macs (
    network_id TEXT NOT NULL,
    mac_address TEXT NOT NULL,
    port_id TEXT NOT NULL,
    PRIMARY KEY (network_id, mac_address)
);
CREATE INDEX network_macs_port ON network_macs (port_id);
-- One default security group per project, however many requests race to make it.
CREATE TABLE network_default_security_groups (
    project_id TEXT PRIMARY KEY,
    security_group_id TEXT NOT NULL UNIQUE
);
-- The network Compute's "networks: auto" gives a project's servers.
CREATE TABLE network_auto_networks (
    project_id TEXT PRIMARY KEY,
    network_id TEXT NOT NULL
);
CREATE TABLE network_quotas (
    project_id TEXT NOT NULL,
    resource TEXT NOT NULL,
    hard_limit INTEGER NOT NULL,
    PRIMARY KEY (project_id, resource)
);
)sql"},
    {9, "block storage: the attachments API's states and connectors, the read-only flag once set, backups", R"sql(
-- Attachments made by servers and os-attach are attached at once; the attachments API reserves, then connects.
ALTER TABLE volume_attachments ADD COLUMN attach_status TEXT NOT NULL DEFAULT 'attached';
ALTER TABLE volume_attachments ADD COLUMN connector_json TEXT NOT NULL DEFAULT 'null';
-- Cinder shows readonly in a volume's metadata from the first time the flag is set.
ALTER TABLE volumes ADD COLUMN readonly_set INTEGER NOT NULL DEFAULT 0;
-- A backup's bytes are its own file: it outlives its volume, so no reference to it.
CREATE TABLE volume_backups (
    id TEXT PRIMARY KEY,
    name TEXT,
    description TEXT,
    volume_id TEXT NOT NULL,
    snapshot_id TEXT,
    project_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    size INTEGER NOT NULL,
    status TEXT NOT NULL,
    status_until INTEGER NOT NULL DEFAULT 0,
    next_status TEXT,
    availability_zone TEXT NOT NULL,
    container TEXT,
    metadata_json TEXT NOT NULL DEFAULT '{}',
    -- What a restore gives the volume besides the bytes: its metadata, image metadata and bootable flag.
    volume_json TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX volume_backups_project ON volume_backups (project_id, created_at);
)sql"},
    {10, "identity: failed authentications, password history, application credentials' expiry to the microsecond",
     R"sql(
ALTER TABLE users ADD COLUMN failed_auth_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN failed_auth_at INTEGER NOT NULL DEFAULT 0;
CREATE TABLE user_password_history (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX user_password_history_user ON user_password_history (user_id, created_at);
ALTER TABLE application_credentials ADD COLUMN expires_at_micros INTEGER NOT NULL DEFAULT 0;
)sql"},
    {11, "identity generation: a counter every change to what tokens depend on moves, so workers may cache validations",
     R"sql(
CREATE TABLE identity_generation (value INTEGER NOT NULL);
INSERT INTO identity_generation (value) VALUES (0);
CREATE TRIGGER identity_generation_domains_insert AFTER INSERT ON domains BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_domains_update AFTER UPDATE ON domains BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_domains_delete AFTER DELETE ON domains BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_projects_insert AFTER INSERT ON projects BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_projects_update AFTER UPDATE ON projects BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_projects_delete AFTER DELETE ON projects BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_users_insert AFTER INSERT ON users BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_users_update AFTER UPDATE ON users BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_users_delete AFTER DELETE ON users BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_roles_insert AFTER INSERT ON roles BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_roles_update AFTER UPDATE ON roles BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_roles_delete AFTER DELETE ON roles BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_role_assignments_insert AFTER INSERT ON role_assignments BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_role_assignments_update AFTER UPDATE ON role_assignments BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_role_assignments_delete AFTER DELETE ON role_assignments BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_revoked_tokens_insert AFTER INSERT ON revoked_tokens BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_revoked_tokens_update AFTER UPDATE ON revoked_tokens BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_revoked_tokens_delete AFTER DELETE ON revoked_tokens BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_revocation_events_insert AFTER INSERT ON revocation_events BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_revocation_events_update AFTER UPDATE ON revocation_events BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_revocation_events_delete AFTER DELETE ON revocation_events BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_application_credentials_insert AFTER INSERT ON application_credentials BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_application_credentials_update AFTER UPDATE ON application_credentials BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_application_credentials_delete AFTER DELETE ON application_credentials BEGIN UPDATE identity_generation SET value = value + 1; END;
)sql"},
    {12,
     "flavor generation: a counter every change to the flavors, their specs and their access moves, so workers may "
     "keep their lists",
     R"sql(
CREATE TABLE flavor_generation (value INTEGER NOT NULL);
INSERT INTO flavor_generation (value) VALUES (0);
CREATE TRIGGER flavor_generation_flavors_insert AFTER INSERT ON flavors BEGIN UPDATE flavor_generation SET value = value + 1; END;
CREATE TRIGGER flavor_generation_flavors_update AFTER UPDATE ON flavors BEGIN UPDATE flavor_generation SET value = value + 1; END;
CREATE TRIGGER flavor_generation_flavors_delete AFTER DELETE ON flavors BEGIN UPDATE flavor_generation SET value = value + 1; END;
CREATE TRIGGER flavor_generation_flavor_extra_specs_insert AFTER INSERT ON flavor_extra_specs BEGIN UPDATE flavor_generation SET value = value + 1; END;
CREATE TRIGGER flavor_generation_flavor_extra_specs_update AFTER UPDATE ON flavor_extra_specs BEGIN UPDATE flavor_generation SET value = value + 1; END;
CREATE TRIGGER flavor_generation_flavor_extra_specs_delete AFTER DELETE ON flavor_extra_specs BEGIN UPDATE flavor_generation SET value = value + 1; END;
CREATE TRIGGER flavor_generation_flavor_projects_insert AFTER INSERT ON flavor_projects BEGIN UPDATE flavor_generation SET value = value + 1; END;
CREATE TRIGGER flavor_generation_flavor_projects_update AFTER UPDATE ON flavor_projects BEGIN UPDATE flavor_generation SET value = value + 1; END;
CREATE TRIGGER flavor_generation_flavor_projects_delete AFTER DELETE ON flavor_projects BEGIN UPDATE flavor_generation SET value = value + 1; END;
)sql"},
    {13, "compute services, whose state an admin sets, host aggregates, server groups and server faults", R"sql(
-- Nova's services on each host the cloud has run on: rows appear when a worker first lists them on its host.
CREATE TABLE compute_services (
    number INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    binary TEXT NOT NULL,
    host TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    disabled_reason TEXT,
    forced_down INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (binary, host)
);
CREATE TABLE aggregates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    updated_at INTEGER
);
CREATE TABLE aggregate_hosts (
    aggregate_id INTEGER NOT NULL REFERENCES aggregates(id) ON DELETE CASCADE,
    host TEXT NOT NULL,
    PRIMARY KEY (aggregate_id, host)
);
-- availability_zone among the keys, as Nova keeps it.
CREATE TABLE aggregate_metadata (
    aggregate_id INTEGER NOT NULL REFERENCES aggregates(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (aggregate_id, key)
);
CREATE TABLE server_groups (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    project_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    policy TEXT NOT NULL,
    max_server_per_host INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX server_groups_project ON server_groups (project_id, created_at);
-- A server is in one group at most; it leaves it when it is deleted.
CREATE TABLE server_group_members (
    server_id TEXT PRIMARY KEY REFERENCES servers(id) ON DELETE CASCADE,
    group_id TEXT NOT NULL REFERENCES server_groups(id) ON DELETE CASCADE
);
CREATE INDEX server_group_members_group ON server_group_members (group_id);
-- Why a server is in ERROR: {"code", "message", "created"}.
ALTER TABLE servers ADD COLUMN fault_json TEXT;
)sql"},
    {14, "identity: users' default projects, roles on the system, role inference rules", R"sql(
ALTER TABLE users ADD COLUMN default_project_id TEXT NOT NULL DEFAULT '';
CREATE TABLE system_role_assignments (
    role_id TEXT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (role_id, user_id)
);
CREATE INDEX system_role_assignments_user ON system_role_assignments (user_id);
CREATE TABLE role_inferences (
    prior_role_id TEXT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    implied_role_id TEXT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    PRIMARY KEY (prior_role_id, implied_role_id)
);
CREATE TRIGGER identity_generation_system_role_assignments_insert AFTER INSERT ON system_role_assignments BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_system_role_assignments_update AFTER UPDATE ON system_role_assignments BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_system_role_assignments_delete AFTER DELETE ON system_role_assignments BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_role_inferences_insert AFTER INSERT ON role_inferences BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_role_inferences_update AFTER UPDATE ON role_inferences BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_role_inferences_delete AFTER DELETE ON role_inferences BEGIN UPDATE identity_generation SET value = value + 1; END;
)sql"},
    {15, "images: Glance v1's external locations, and deleted images kept (status 'deleted') for changes-since lists",
     R"sql(
ALTER TABLE images ADD COLUMN location TEXT;
ALTER TABLE images ADD COLUMN deleted_at INTEGER;
CREATE INDEX images_updated ON images (updated_at);
)sql"},
    {16, "block storage: generic volume groups, their types and specs, group snapshots, and what belongs to them",
     R"sql(
CREATE TABLE group_types (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT,
    is_public INTEGER NOT NULL DEFAULT 1,
    is_default INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE group_type_specs (
    group_type_id TEXT NOT NULL REFERENCES group_types(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (group_type_id, key)
);
CREATE TABLE volume_groups (
    id TEXT PRIMARY KEY,
    name TEXT,
    description TEXT,
    project_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    status TEXT NOT NULL,
    status_until INTEGER NOT NULL DEFAULT 0,
    next_status TEXT,
    availability_zone TEXT NOT NULL,
    group_type_id TEXT NOT NULL REFERENCES group_types(id),
    group_snapshot_id TEXT,
    source_group_id TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX volume_groups_project ON volume_groups (project_id, created_at);
-- The volume types a group takes, in the order they were given; a type in use here is not deleted.
CREATE TABLE volume_group_types (
    group_id TEXT NOT NULL REFERENCES volume_groups(id) ON DELETE CASCADE,
    type_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (group_id, type_id)
);
CREATE INDEX volume_group_types_type ON volume_group_types (type_id);
CREATE TABLE group_snapshots (
    id TEXT PRIMARY KEY,
    name TEXT,
    description TEXT,
    group_id TEXT NOT NULL REFERENCES volume_groups(id),
    group_type_id TEXT NOT NULL,
    project_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    status TEXT NOT NULL,
    status_until INTEGER NOT NULL DEFAULT 0,
    next_status TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX group_snapshots_project ON group_snapshots (project_id, created_at);
ALTER TABLE volumes ADD COLUMN group_id TEXT REFERENCES volume_groups(id);
CREATE INDEX volumes_group ON volumes (group_id);
ALTER TABLE volume_snapshots ADD COLUMN group_snapshot_id TEXT REFERENCES group_snapshots(id);
CREATE INDEX volume_snapshots_group_snapshot ON volume_snapshots (group_snapshot_id);
)sql"},
    {17, "block storage: volume transfers, volume type encryption, QoS specs and their association with types", R"sql(
-- A volume's pending transfer; the key that accepts it is kept only as a hash (password.hpp's).
CREATE TABLE volume_transfers (
    id TEXT PRIMARY KEY,
    name TEXT,
    volume_id TEXT NOT NULL UNIQUE REFERENCES volumes(id) ON DELETE CASCADE,
    project_id TEXT NOT NULL,
    key_hash TEXT NOT NULL,
    no_snapshots INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE INDEX volume_transfers_project ON volume_transfers (project_id, created_at);
CREATE TABLE volume_type_encryption (
    type_id TEXT PRIMARY KEY REFERENCES volume_types(id) ON DELETE CASCADE,
    encryption_id TEXT NOT NULL,
    provider TEXT NOT NULL,
    cipher TEXT,
    key_size INTEGER,
    control_location TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE qos_specs (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    consumer TEXT NOT NULL,
    specs_json TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL
);
ALTER TABLE volume_types ADD COLUMN qos_specs_id TEXT REFERENCES qos_specs(id);
CREATE INDEX volume_types_qos ON volume_types (qos_specs_id);
)sql"},
    {18, "identity: groups and their members and roles, inherited assignments (OS-INHERIT), credentials", R"sql(
CREATE TABLE identity_groups (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    domain_id TEXT NOT NULL REFERENCES domains(id),
    description TEXT NOT NULL DEFAULT '',
    UNIQUE (domain_id, name)
);
CREATE TABLE group_members (
    group_id TEXT NOT NULL REFERENCES identity_groups(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members (user_id);
-- inherited: held on the projects of the domain, or below the project, not on the target itself.
CREATE TABLE group_role_assignments (
    role_id TEXT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    group_id TEXT NOT NULL REFERENCES identity_groups(id) ON DELETE CASCADE,
    project_id TEXT REFERENCES projects(id) ON DELETE CASCADE,
    domain_id TEXT REFERENCES domains(id) ON DELETE CASCADE,
    inherited INTEGER NOT NULL DEFAULT 0,
    CHECK ((project_id IS NULL) <> (domain_id IS NULL))
);
CREATE UNIQUE INDEX group_role_assignments_unique ON group_role_assignments
    (role_id, group_id, IFNULL(project_id, ''), IFNULL(domain_id, ''), inherited);
CREATE INDEX group_role_assignments_group ON group_role_assignments (group_id);
ALTER TABLE role_assignments ADD COLUMN inherited INTEGER NOT NULL DEFAULT 0;
DROP INDEX role_assignments_unique;
CREATE UNIQUE INDEX role_assignments_unique_inherited ON role_assignments
    (role_id, user_id, IFNULL(project_id, ''), IFNULL(domain_id, ''), inherited);
-- A credential's project is not a reference: Keystone takes any id there; deleting a project deletes its own.
CREATE TABLE credentials (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    project_id TEXT NOT NULL DEFAULT '',
    type TEXT NOT NULL,
    blob TEXT NOT NULL
);
CREATE INDEX credentials_user ON credentials (user_id);
CREATE TRIGGER identity_generation_identity_groups_insert AFTER INSERT ON identity_groups BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_identity_groups_update AFTER UPDATE ON identity_groups BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_identity_groups_delete AFTER DELETE ON identity_groups BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_group_members_insert AFTER INSERT ON group_members BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_group_members_update AFTER UPDATE ON group_members BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_group_members_delete AFTER DELETE ON group_members BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_group_role_assignments_insert AFTER INSERT ON group_role_assignments BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_group_role_assignments_update AFTER UPDATE ON group_role_assignments BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_group_role_assignments_delete AFTER DELETE ON group_role_assignments BEGIN UPDATE identity_generation SET value = value + 1; END;
)sql"},
    {19, "images: Glance's metadata definitions catalog (namespaces, their objects, properties, tags, resource types)",
     R"sql(
CREATE TABLE metadef_namespaces (
    id INTEGER PRIMARY KEY,
    namespace TEXT NOT NULL UNIQUE,
    display_name TEXT,
    description TEXT,
    visibility TEXT NOT NULL,
    protected INTEGER NOT NULL DEFAULT 0,
    owner TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
-- Objects, properties and tags alike: a name unique in its namespace and kind, as Glance's MySQL compares it
-- (case aside), and the rest of its definition as JSON.
CREATE TABLE metadef_definitions (
    namespace_id INTEGER NOT NULL REFERENCES metadef_namespaces(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    name TEXT NOT NULL COLLATE NOCASE,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (namespace_id, kind, name)
);
CREATE TABLE metadef_resource_types (
    name TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE metadef_associations (
    namespace_id INTEGER NOT NULL REFERENCES metadef_namespaces(id) ON DELETE CASCADE,
    resource_type TEXT NOT NULL REFERENCES metadef_resource_types(name),
    prefix TEXT,
    properties_target TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (namespace_id, resource_type)
);
CREATE INDEX metadef_associations_type ON metadef_associations (resource_type);
)sql"},
    {20, "identity: projects' parents and tags, groups' roles on the system", R"sql(
-- parent_id NULL: the project's domain is its parent. A parent with children is not deleted.
ALTER TABLE projects ADD COLUMN parent_id TEXT REFERENCES projects(id);
CREATE INDEX projects_parent ON projects (parent_id);
-- tags: comma-joined, in the order given; Keystone's tags may not hold a comma.
ALTER TABLE projects ADD COLUMN tags TEXT NOT NULL DEFAULT '';
CREATE TABLE system_group_role_assignments (
    role_id TEXT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    group_id TEXT NOT NULL REFERENCES identity_groups(id) ON DELETE CASCADE,
    PRIMARY KEY (role_id, group_id)
);
CREATE INDEX system_group_role_assignments_group ON system_group_role_assignments (group_id);
CREATE TRIGGER identity_generation_system_group_role_assignments_insert AFTER INSERT ON system_group_role_assignments BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_system_group_role_assignments_update AFTER UPDATE ON system_group_role_assignments BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_system_group_role_assignments_delete AFTER DELETE ON system_group_role_assignments BEGIN UPDATE identity_generation SET value = value + 1; END;
)sql"},
    {21, "block storage: a snapshot's progress as os-update_snapshot_status reports it", R"sql(
ALTER TABLE volume_snapshots ADD COLUMN progress TEXT;
)sql"},
    {22, "identity: the catalog (regions, services, endpoints), policies and endpoint groups", R"sql(
CREATE TABLE catalog_regions (
    id TEXT PRIMARY KEY,
    description TEXT NOT NULL DEFAULT '',
    parent_region_id TEXT REFERENCES catalog_regions(id)
);
CREATE TABLE catalog_services (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    enabled INTEGER NOT NULL DEFAULT 1
);
-- An endpoint in a region keeps the region from being deleted (Keystone's RegionDeletionError).
CREATE TABLE catalog_endpoints (
    id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL REFERENCES catalog_services(id) ON DELETE CASCADE,
    region_id TEXT REFERENCES catalog_regions(id),
    interface TEXT NOT NULL,
    url TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1,
    legacy_endpoint_id TEXT
);
CREATE INDEX catalog_endpoints_service ON catalog_endpoints (service_id);
CREATE INDEX catalog_endpoints_region ON catalog_endpoints (region_id);
-- seeded: whether the stack's own catalog was stored (once: what an admin deletes later stays deleted).
CREATE TABLE catalog_seed (seeded INTEGER NOT NULL);
INSERT INTO catalog_seed (seeded) VALUES (0);
CREATE TABLE policies (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    blob TEXT NOT NULL
);
CREATE TABLE endpoint_groups (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    filters TEXT NOT NULL
);
-- Trusts (OS-TRUST): deleted with their trustor, trustee or project; their tokens are validated against them.
CREATE TABLE trusts (
    id TEXT PRIMARY KEY,
    trustor_user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    trustee_user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    project_id TEXT REFERENCES projects(id) ON DELETE CASCADE,
    impersonation INTEGER NOT NULL,
    expires_at INTEGER NOT NULL DEFAULT 0,
    remaining_uses INTEGER
);
CREATE INDEX trusts_trustor ON trusts (trustor_user_id);
CREATE INDEX trusts_trustee ON trusts (trustee_user_id);
CREATE TABLE trust_roles (
    trust_id TEXT NOT NULL REFERENCES trusts(id) ON DELETE CASCADE,
    role_id TEXT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    PRIMARY KEY (trust_id, role_id)
);
CREATE INDEX trust_roles_role ON trust_roles (role_id);
CREATE TRIGGER identity_generation_trusts_insert AFTER INSERT ON trusts BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_trusts_update AFTER UPDATE ON trusts BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_trusts_delete AFTER DELETE ON trusts BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_trust_roles_insert AFTER INSERT ON trust_roles BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_trust_roles_update AFTER UPDATE ON trust_roles BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_trust_roles_delete AFTER DELETE ON trust_roles BEGIN UPDATE identity_generation SET value = value + 1; END;
-- A token's catalog is part of the body a worker remembers for it.
CREATE TRIGGER identity_generation_catalog_regions_insert AFTER INSERT ON catalog_regions BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_catalog_regions_update AFTER UPDATE ON catalog_regions BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_catalog_regions_delete AFTER DELETE ON catalog_regions BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_catalog_services_insert AFTER INSERT ON catalog_services BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_catalog_services_update AFTER UPDATE ON catalog_services BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_catalog_services_delete AFTER DELETE ON catalog_services BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_catalog_endpoints_insert AFTER INSERT ON catalog_endpoints BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_catalog_endpoints_update AFTER UPDATE ON catalog_endpoints BEGIN UPDATE identity_generation SET value = value + 1; END;
CREATE TRIGGER identity_generation_catalog_endpoints_delete AFTER DELETE ON catalog_endpoints BEGIN UPDATE identity_generation SET value = value + 1; END;
)sql"},
    {23, "compute: a server's disk config (OS-DCF:diskConfig AUTO or MANUAL)", R"sql(
ALTER TABLE servers ADD COLUMN auto_disk_config INTEGER NOT NULL DEFAULT 0;
)sql"},
    {24, "block storage: the services' state, user messages, quota classes", R"sql(
-- One row per service binary that an admin has changed; a binary without one is enabled and not frozen.
CREATE TABLE volume_services (
    binary TEXT PRIMARY KEY,
    enabled INTEGER NOT NULL DEFAULT 1,
    disabled_reason TEXT,
    frozen INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
);
CREATE TABLE volume_messages (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL,
    request_id TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_uuid TEXT,
    event_id TEXT NOT NULL,
    user_message TEXT NOT NULL,
    message_level TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX volume_messages_project ON volume_messages (project_id, created_at);
-- A class's limits where they differ from the built-in defaults; the class "default" is every project's defaults.
CREATE TABLE volume_quota_classes (
    class_name TEXT NOT NULL,
    resource TEXT NOT NULL,
    hard_limit INTEGER NOT NULL,
    PRIMARY KEY (class_name, resource)
);
)sql"},
    {26, "compute: quota classes, migration records, soft-deleted servers, passwords, shelved images", R"sql(
-- A class's limits where they differ from the built-in defaults; the class "default" is every project's defaults.
CREATE TABLE compute_quota_classes (
    class_name TEXT NOT NULL,
    resource TEXT NOT NULL,
    hard_limit INTEGER NOT NULL,
    PRIMARY KEY (class_name, resource)
);
-- What os-migrations lists: Nova records a resize as a migration; the records outlive their servers.
CREATE TABLE compute_migrations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,
    server_id TEXT NOT NULL,
    project_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    migration_type TEXT NOT NULL,
    status TEXT NOT NULL,
    source_compute TEXT NOT NULL,
    dest_compute TEXT NOT NULL,
    old_flavor_id TEXT NOT NULL,
    new_flavor_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER
);
CREATE INDEX compute_migrations_server ON compute_migrations (server_id);
-- A server deleted softly (reclaim_instance_interval) keeps its row until reclaimed; the encrypted password its
-- guest posts, which os-server-password shows and clears.
ALTER TABLE servers ADD COLUMN soft_deleted_at INTEGER;
ALTER TABLE servers ADD COLUMN password TEXT;
-- The snapshot a shelved server keeps of itself ("<name>-shelved"), deleted when it is unshelved.
ALTER TABLE servers ADD COLUMN shelved_image_id TEXT;
-- A deleted server's actions stay, as Nova shows them from 2.21: they no longer go with the server's row.
CREATE TABLE instance_actions_kept (
    server_id TEXT NOT NULL,
    action TEXT NOT NULL,
    request_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    project_id TEXT NOT NULL,
    start_time INTEGER NOT NULL
);
INSERT INTO instance_actions_kept SELECT server_id, action, request_id, user_id, project_id, start_time
    FROM instance_actions ORDER BY rowid;
DROP TABLE instance_actions;
ALTER TABLE instance_actions_kept RENAME TO instance_actions;
CREATE INDEX instance_actions_server ON instance_actions (server_id);
)sql"},
    {27, "identity: domain-specific roles, extra attributes of users and credentials, OAuth1 consumers, domain configs",
     R"sql(
-- A role with a domain_id is that domain's own (Keystone's domain-specific roles); NULL: a global role.
-- Role names stay unique across every role: SQLite cannot drop the first migration's UNIQUE (name) in place, and
-- rebuilding the table would cascade the delete to every grant.
ALTER TABLE roles ADD COLUMN domain_id TEXT REFERENCES domains(id) ON DELETE CASCADE;
-- extra: a JSON object of the keys a client gave beyond those Keystone models, returned with the resource.
ALTER TABLE users ADD COLUMN extra TEXT NOT NULL DEFAULT '{}';
ALTER TABLE credentials ADD COLUMN extra TEXT NOT NULL DEFAULT '{}';
-- OAuth1 consumers: the secret is shown once, on create; only its KDF hash is kept, as nothing here verifies
-- OAuth1 signatures (which would need the secret itself).
CREATE TABLE oauth_consumers (
    id TEXT PRIMARY KEY,
    description TEXT NOT NULL DEFAULT '',
    secret_hash TEXT NOT NULL,
    extra TEXT NOT NULL DEFAULT '{}'
);
-- A domain's configuration (Keystone's domain-specific identity and ldap options): one JSON object of groups.
CREATE TABLE domain_configs (
    domain_id TEXT PRIMARY KEY REFERENCES domains(id) ON DELETE CASCADE,
    config TEXT NOT NULL
);
)sql"},
    {28, "image: a server snapshot's upload, saving until its time is up", R"sql(
-- Nova uploads a snapshot to Glance while the server shows image_snapshot: the image is "saving" until then.
-- saving_until: when a snapshot's upload is done (it is active from then); NULL for an image a client uploads,
-- whose "saving" is a worker's upload in flight.
ALTER TABLE images ADD COLUMN saving_until INTEGER;
CREATE INDEX images_saving ON images (saving_until) WHERE saving_until IS NOT NULL;
)sql"},
};
} // namespace

std::span<const Migration> migrations()
{
    return kMigrations;
}

} // namespace jumpgate::local
