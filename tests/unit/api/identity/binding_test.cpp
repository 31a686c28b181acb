// SPDX-License-Identifier: Apache-2.0
// Identity's binding tables: a partial driver gets exactly the Keystone requests it can serve.
#include <jumpgate/driver/identity.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "api/identity/catalog.hpp"
#include "api/identity/identity.hpp"

using namespace jumpgate;
namespace fs = std::filesystem;

namespace {

/* A cloud that authenticates one user and validates tokens, and has nothing else. */
class Partial : public identity::Driver {
  public:
    identity::User userAuthenticate(const identity::Ref& ref, const std::string& password) const override
    {
        if ((ref.id == "u1" || ref.name == "alice") && password == "secret")
            return userGet("u1");
        throw Unauthorized("The request you have made requires authentication.");
    }
    identity::User userGet(const std::string& user_id) const override
    {
        if (user_id != "u1")
            throw NotFound("Could not find user: " + user_id + ".");
        return {.id = "u1", .name = "alice", .domain_id = "default"};
    }
    identity::Domain domainGet(const std::string& domain_id) const override
    {
        if (domain_id != "default")
            throw NotFound("Could not find domain: " + domain_id + ".");
        return {.id = "default", .name = "Default"};
    }
    identity::Project projectFind(const identity::Ref& ref) const override
    {
        if (ref.id != "p1" && ref.name != "one")
            throw NotFound("Could not find project.");
        return {.id = "p1", .name = "one", .domain_id = "default"};
    }
    std::vector<identity::Role> roleList() const override { return {{"r1", "member"}}; }
    std::vector<identity::Role> roleListForProject(const std::string& user_id,
                                                   const std::string& project_id) const override
    {
        if (user_id == "u1" && project_id == "p1")
            return roleList();
        return {};
    }
    bool tokenIsRevoked(const std::string&, const std::string&, const std::string&, std::int64_t) const override
    {
        return false;
    }
};

/* A cloud with no identity operation at all. */
class Nothing : public identity::Driver {};

class StringBody : public BodySource {
  public:
    explicit StringBody(std::string text) : text_(std::move(text)) {}
    std::size_t read(char* buffer, std::size_t size) override
    {
        std::size_t n = std::min(size, text_.size() - at_);
        text_.copy(buffer, n, at_);
        at_ += n;
        return n;
    }

  private:
    std::string text_;
    std::size_t at_ = 0;
};

struct Cloud {
    std::string state;
    App app;
    Dispatcher disp{api::identity::kSpec, "/identity"};

    template <class D> explicit Cloud(std::shared_ptr<const D> driver)
    {
        char tmpl[] = "/tmp/jumpgate-identity-XXXXXX";
        state = mkdtemp(tmpl);
        BOOST_REQUIRE(app.config().load("", {"general.state_dir=" + state}).empty());
        identity::install(app, disp, driver);
    }
    ~Cloud() { fs::remove_all(state); }

    /* rows: the coverage rows by "endpoint VERB". */
    std::map<std::string, CoverageRow> rows() const
    {
        std::map<std::string, CoverageRow> out;
        for (auto& row : disp.coverage())
            out.emplace(row.endpoint + " " + row.method, row);
        return out;
    }

    Response serve(std::string method, std::string path, const json& body = nullptr)
    {
        Pairs env{{"REQUEST_METHOD", method}, {"REQUEST_URI", "/identity" + path}, {"HTTP_HOST", "api.example.com"}};
        std::unique_ptr<BodySource> source;
        if (!body.is_null()) {
            std::string text = body.dump();
            env.emplace_back("CONTENT_TYPE", "application/json");
            env.emplace_back("CONTENT_LENGTH", std::to_string(text.size()));
            source = std::make_unique<StringBody>(text);
        }
        Request req(std::move(env), {}, std::move(source), 1 << 20, 1 << 20);
        Response resp;
        disp.handle(req, resp, path, {}, {});
        return resp;
    }
};

json password_auth(const json& scope = nullptr)
{
    json user = {{"name", "alice"}, {"domain", {{"id", "default"}}}, {"password", "secret"}};
    json auth = {{"identity", {{"methods", {"password"}}, {"password", {{"user", user}}}}}};
    if (!scope.is_null())
        auth["scope"] = scope;
    return {{"auth", auth}};
}

std::string fault_message(const Response& resp)
{
    return resp.has_json() ? resp.json_body()["error"].value("message", "") : "";
}

} // namespace

BOOST_AUTO_TEST_SUITE(identity_binding)

BOOST_AUTO_TEST_CASE(coverage_says_yes_for_what_the_operations_serve_and_names_what_the_rest_lack)
{
    Cloud cloud(std::make_shared<const Partial>());
    auto rows = cloud.rows();
    for (const char* served : {"v3_auth_tokens POST", "v3_auth_tokens GET", "v3_auth_tokens HEAD", "v2_tokens POST",
                               "v2_token GET", "v2_token HEAD", "v2_token_endpoints GET", "v3_user GET", "v3_roles GET",
                               "v3_role GET", "v3_projects_with_id GET", "v3_domains_with_id GET", "v2_tenant GET",
                               "v2_user GET", "v2_tenant_user_roles GET", "v3_regions GET", "v3_auth_catalog GET"}) {
        BOOST_TEST_CONTEXT(served)
        {
            BOOST_REQUIRE(rows.count(served));
            BOOST_TEST((rows[served].support == Support::yes));
        }
    }
    const std::map<std::string, std::vector<std::string>> unserved = {
        {"v3_auth_tokens DELETE", {"tokenRevoke"}},
        {"v2_token DELETE", {"tokenRevoke"}},
        {"v3_users POST", {"userCreate"}},
        {"v3_users GET", {"userList"}},
        {"v3_user PATCH", {"userUpdate", "userPasswordReset"}},
        {"v3_user DELETE", {"userDelete"}},
        {"v3_user_password POST", {"userPasswordSet"}},
        {"v3_domains GET", {"domainList"}},
        {"v3_domains_with_id PATCH", {"domainUpdate"}},
        {"v3_projects POST", {"projectCreate"}},
        {"v3_project_user_role PUT", {"roleAssign"}},
        {"v3_domain_user_role PUT", {"roleAssign"}},
        {"v3_domain_user_roles GET", {"roleAssignmentList"}},
        {"v3_project_user_roles GET", {"roleAssignmentList"}},
        {"v3_project_user_role HEAD", {"roleAssignmentList"}},
        {"v3_project_group_role PUT", {"roleAssign", "groupGet"}},
        {"v3_groups GET", {"groupList"}},
        {"v3_credentails POST", {"credentialCreate"}},
        {"v3_role_assignments GET",
         {"projectList", "roleAssignmentList", "roleInferenceList", "groupGet", "groupUserList"}},
        {"v3_role_inferences GET", {"roleInferenceList"}},
        {"v3_role_imply PUT", {"roleInferenceList", "roleInferenceCreate"}},
        {"v3_system_user_role PUT", {"roleAssignSystem"}},
        {"v3_auth_system GET", {"roleListForSystem"}},
        {"v3_auth_projects GET", {"projectListForUser"}},
        {"v3_auth_domains GET", {"roleAssignmentList", "groupListForUser"}},
        {"v2_user_roles GET", {"projectListForUser"}},
        {"v3_user_application_credentials POST", {"applicationCredentialCreate"}},
    };
    for (const auto& [name, lacking] : unserved) {
        BOOST_TEST_CONTEXT(name)
        {
            BOOST_REQUIRE(rows.count(name));
            BOOST_TEST((rows[name].support == Support::no));
            BOOST_TEST(rows[name].lacking == lacking, boost::test_tools::per_element());
        }
    }
}

BOOST_AUTO_TEST_CASE(a_row_the_driver_lacks_answers_501_and_a_served_one_does_not)
{
    Cloud cloud(std::make_shared<const Partial>());
    auto create = cloud.serve("POST", "/v3/users", {{"user", {{"name", "bob"}}}});
    BOOST_TEST(create.status == 501);
    BOOST_TEST(cloud.serve("DELETE", "/v3/auth/tokens").status == 501);
    BOOST_TEST(cloud.serve("GET", "/v3/domains").status == 501);

    // Served, so Keystone's policy answers: a member reads a role but not the list of them.
    BOOST_TEST(cloud.serve("GET", "/v3/roles/r1").status == 200);
    BOOST_TEST(cloud.serve("GET", "/v3/roles").status == 403);
    auto issued = cloud.serve("POST", "/v3/auth/tokens", password_auth({{"project", {{"id", "p1"}}}}));
    BOOST_TEST(issued.status == 201);
    BOOST_TEST(issued.header("X-Subject-Token") != nullptr);
    BOOST_TEST(issued.json_body()["token"]["project"]["id"] == "p1");
    json v2 = {{"passwordCredentials", {{"username", "alice"}, {"password", "secret"}}}, {"tenantId", "p1"}};
    BOOST_TEST(cloud.serve("POST", "/v2.0/tokens", {{"auth", v2}}).status == 200);
}

BOOST_AUTO_TEST_CASE(a_method_or_scope_the_driver_lacks_is_refused_as_keystone_does)
{
    Cloud cloud(std::make_shared<const Partial>());
    // No application credential operations: Keystone's AuthMethodNotSupported.
    json identity = {{"methods", {"application_credential"}},
                     {"application_credential", {{"id", "c1"}, {"secret", "s"}}}};
    auto by_credential = cloud.serve("POST", "/v3/auth/tokens", {{"auth", {{"identity", identity}}}});
    BOOST_TEST(by_credential.status == 401);
    BOOST_TEST(fault_message(by_credential) == "Attempted to authenticate with an unsupported method.");
    // No domain roles: the user has none, on any domain.
    auto on_domain = cloud.serve("POST", "/v3/auth/tokens", password_auth({{"domain", {{"id", "default"}}}}));
    BOOST_TEST(on_domain.status == 401);
    BOOST_TEST(fault_message(on_domain).find("has no access to the requested domain") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_driver_with_nothing_gets_the_catalog_reads_and_no_keys)
{
    Cloud cloud(std::make_shared<const Nothing>());
    BOOST_TEST(cloud.app.identity() != nullptr);
    auto rows = cloud.rows();
    BOOST_TEST((rows["v3_regions GET"].support == Support::yes));
    BOOST_TEST((rows["v3_services GET"].support == Support::yes));
    BOOST_TEST((rows["v3_auth_tokens POST"].support == Support::no));
    auto& lacking = rows["v3_auth_tokens POST"].lacking;
    BOOST_TEST((std::find(lacking.begin(), lacking.end(), "userAuthenticate") != lacking.end()));
    BOOST_TEST((std::find(lacking.begin(), lacking.end(), "tokenIsRevoked") != lacking.end()));
    BOOST_TEST(cloud.serve("POST", "/v3/auth/tokens", password_auth()).status == 501);
    // Nothing could open a token: no key repository is made for it.
    BOOST_TEST(!fs::exists(cloud.state + "/token-keys"));
}

BOOST_AUTO_TEST_CASE(every_row_the_core_could_serve_says_what_it_lacks)
{
    Cloud cloud(std::make_shared<const Nothing>());
    std::size_t bound = 0;
    for (const auto& row : cloud.disp.coverage()) {
        if (row.support != Support::no || row.lacking.empty())
            continue;
        ++bound;
        for (const auto& name : row.lacking)
            BOOST_TEST(!name.empty(), row.endpoint << " " << row.method);
    }
    // The token rows (OS-KSCRUD's among them) but the catalog and extension reads, every resource row, and the
    // catalog's rows but its nine reads (of the stack's own catalog when the driver stores none).
    BOOST_TEST(bound == 14 + api::identity::resource_bindings().size() + api::identity::group_bindings().size() +
                            api::identity::credential_bindings().size() + api::identity::v2_admin_bindings().size() +
                            (api::identity::catalog_bindings().size() - 9) + api::identity::trust_bindings().size() +
                            api::identity::consumer_bindings().size() + api::identity::domain_config_bindings().size());
}

BOOST_AUTO_TEST_SUITE_END()
