// SPDX-License-Identifier: Apache-2.0
// The credentials driver: a test-only module whose users carry backend credentials, and an endpoint
// that tells whether a request's Context holds its user's.
#include <sys/stat.h>

#include <jumpgate/driver.hpp>

#include "local.hpp"

using namespace jumpgate;

namespace {

/* credentials_of: what the backend gives user `user_id`; the end-to-end test works it out too. */
std::string credentials_of(const std::string& user_id)
{
    return "jg-backend-" + user_id + "-k3y";
}

/* The local identity, whose userAuthenticate adds backend credentials (too many for a hoarder*). */
class Identity : public local::Identity {
  public:
    using local::Identity::Identity;

    identity::User userAuthenticate(const identity::Ref& ref, const std::string& password) const override
    {
        identity::User user = local::Identity::userAuthenticate(ref, password);
        user.credentials = credentials_of(user.id);
        if (user.name.starts_with("hoarder"))
            while (user.credentials.size() < 4000)
                user.credentials += credentials_of(user.id);
        return user;
    }
};

// Whether the caller's Context holds its user's credentials: the test asks this, never the value.
void whose_credentials(const Request& req, Response& resp)
{
    const Context& ctx = req.context();
    resp.json({{"user_id", ctx.user_id},
               {"project_id", ctx.project_id},
               {"credentials_match", ctx.credentials == credentials_of(ctx.user_id)},
               {"credentials_size", ctx.credentials.size()}});
}

} // namespace

JUMPGATE_DRIVER(app, disp)
{
    std::string_view service = disp.service();
    if (service == "identity") {
        mkdir(app.state_dir().c_str(), 0750);
        std::string path = app.state_dir() + "/jumpgate.sqlite";
        auto db = std::make_shared<local::Database>(path, local::migrations());
        db->count_commits_to("identity_generation", path + "-identity-commits");
        identity::install(app, disp, std::make_shared<const Identity>(db));
    } else if (service == "compute") {
        disp.set_handler("v2_servers", "GET", whose_credentials);
    }
}
