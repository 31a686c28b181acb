// SPDX-License-Identifier: Apache-2.0
// SoftLayer identity: a user's username and API key make a token; the project is the user's account.
#include <chrono>
#include <sstream>

#include <jumpgate/fault.hpp>

#include "softlayer.hpp"

namespace jumpgate::softlayer {

namespace {

// The one domain and the one role a SoftLayer user has: the member of their account.
const identity::Role kMember{.id = "member", .name = "member"};
const char* const kUserMask = "mask[id,username,accountId,email,firstName,lastName,userStatus[keyName]]";

std::string id_text(const json& j)
{
    return j.is_object() && j.contains("id") && j["id"].is_number_integer() ? std::to_string(j["id"].get<long long>())
                                                                            : "";
}

bool default_domain(const identity::Ref& ref)
{
    return (ref.domain_id.empty() && ref.domain_name.empty()) || ref.domain_id == "default" ||
           ref.domain_name == "Default";
}

std::int64_t now()
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

identity::User user_of(const json& u)
{
    std::string status =
        u.contains("userStatus") && u["userStatus"].is_object() ? u["userStatus"].value("keyName", "ACTIVE") : "ACTIVE";
    return {.id = id_text(u),
            .name = u.value("username", ""),
            .domain_id = "default",
            .email = u.contains("email") && u["email"].is_string() ? u["email"].get<std::string>() : "",
            .enabled = status == "ACTIVE"};
}

} // namespace

Identity::Identity(std::shared_ptr<const Client> client, std::shared_ptr<Revocations> revocations,
                   std::string credentials)
    : client_(std::move(client)), revocations_(std::move(revocations)), credentials_(std::move(credentials))
{
}

std::shared_ptr<const identity::Driver> Identity::actingFor(const std::string& credentials) const
{
    return std::make_shared<const Identity>(client_, revocations_, credentials);
}

const json& Identity::current_user() const
{
    if (!user_)
        user_ = client_->call(credentials_,
                              {.service = "SoftLayer_Account", .method = "getCurrentUser", .mask = kUserMask});
    return *user_;
}

const json& Identity::account() const
{
    if (!account_)
        account_ = client_->call(
            credentials_, {.service = "SoftLayer_Account", .method = "getObject", .mask = "mask[id,companyName]"});
    return *account_;
}

identity::Project Identity::project() const
{
    const json& a = account();
    std::string id = id_text(a);
    // The account's id names it too: company names are neither unique nor OpenStack names.
    return {.id = id,
            .name = id,
            .domain_id = "default",
            .description =
                a.contains("companyName") && a["companyName"].is_string() ? a["companyName"].get<std::string>() : ""};
}

identity::User Identity::userAuthenticate(const identity::Ref& ref, const std::string& password) const
{
    if (ref.name.empty() || password.empty() || !default_domain(ref) || ref.name.find(':') != std::string::npos)
        throw Unauthorized("The request you have made requires authentication.");
    Identity as_user(client_, revocations_, ref.name + ":" + password);
    identity::User user;
    try {
        user = user_of(as_user.current_user());
    } catch (const Unauthorized&) {
        throw Unauthorized("The request you have made requires authentication.");
    } catch (const Forbidden&) {
        throw Unauthorized("The request you have made requires authentication.");
    }
    if (user.id.empty() || !user.enabled)
        throw Unauthorized("The request you have made requires authentication.");
    user.credentials = as_user.credentials_;
    return user;
}

identity::User Identity::userGet(const std::string& user_id) const
{
    identity::User user = user_of(current_user());
    if (user.id != user_id)
        throw NotFound("Could not find user: " + user_id + ".");
    return user;
}

identity::Domain Identity::domainGet(const std::string& domain_id) const
{
    if (domain_id != "default")
        throw NotFound("Could not find domain: " + domain_id + ".");
    return {.id = "default", .name = "Default", .description = "The SoftLayer accounts"};
}

identity::Project Identity::projectFind(const identity::Ref& ref) const
{
    identity::Project p = project();
    bool named = ref.id.empty() ? ref.name == p.name && default_domain(ref) : ref.id == p.id;
    if (!named)
        throw NotFound("Could not find project: " + (ref.id.empty() ? ref.name : ref.id) + ".");
    return p;
}

std::vector<identity::Project> Identity::projectListForUser(const std::string& user_id) const
{
    if (id_text(current_user()) != user_id)
        return {};
    return {project()};
}

std::vector<identity::Role> Identity::roleList() const
{
    return {kMember};
}

// The user's standing is SoftLayer's: an API key that no longer works holds no role, so its tokens stop.
std::vector<identity::Role> Identity::roleListForProject(const std::string& user_id,
                                                         const std::string& project_id) const
{
    try {
        const json& u = current_user();
        if (id_text(u) != user_id || !u.contains("accountId") || !u["accountId"].is_number_integer() ||
            std::to_string(u["accountId"].get<long long>()) != project_id || !user_of(u).enabled)
            return {};
    } catch (const Unauthorized&) {
        return {};
    }
    return {kMember};
}

void Identity::tokenRevoke(const std::string& audit_id, std::int64_t expires_at) const
{
    revocations_->add(audit_id, expires_at);
}

bool Identity::tokenIsRevoked(const std::string& audit_id, const std::string&, const std::string&, std::int64_t) const
{
    return revocations_->has(audit_id);
}

// A worker reuses what it validated while no token is revoked, and asks SoftLayer about each
// user again at least once a minute (SoftLayer does not say when a user or an API key changes).
std::optional<std::int64_t> Identity::generation() const
{
    // Unsigned: the mix may wrap, and only has to change when either part does.
    std::uint64_t mixed =
        static_cast<std::uint64_t>(revocations_->generation()) * 1000003u + static_cast<std::uint64_t>(now() / 60);
    return static_cast<std::int64_t>(mixed);
}

} // namespace jumpgate::softlayer
