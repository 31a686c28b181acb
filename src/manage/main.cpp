// SPDX-License-Identifier: Apache-2.0
// jumpgate-manage: bootstrap the cloud's admin, create users and projects, rotate token keys, load metadata
// definitions.
#include <grp.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sys/stat.h>

#include <boost/program_options.hpp>

#include <jumpgate/app.hpp>
#include <jumpgate/driver/identity.hpp>
#include <jumpgate/driver/image.hpp>
#include <jumpgate/log.hpp>
#include <jumpgate/time.hpp>

#include "api/identity/token.hpp"
#include "api/image/metadefs.hpp"

#ifndef JUMPGATE_CONFIG_FILE
#define JUMPGATE_CONFIG_FILE "/etc/jumpgate/jumpgate.conf"
#endif

namespace po = boost::program_options;
using namespace jumpgate;

namespace {

const char kUsage[] = "usage: jumpgate-manage [--config FILE] [--SECTION.KEY=VALUE...] COMMAND\n"
                      "  bootstrap --username NAME [PASSWORD] --project NAME\n"
                      "  user create NAME [PASSWORD] [--domain ID] [--project NAME --role NAME]\n"
                      "  PASSWORD: asked at the terminal, or --password-stdin (its first line), or\n"
                      "  JUMPGATE_PASSWORD in the environment, or --password P (which ps shows)\n"
                      "  project create NAME [--domain ID]\n"
                      "  token-keys setup | token-keys rotate [--max-active N]\n"
                      "  metadefs load DIRECTORY\n";

identity::Role role_named(const identity::Driver& id, const std::string& name)
{
    for (const auto& r : id.roleList())
        if (r.name == name)
            return r;
    return id.roleCreate({.name = name});
}

/* rule_kept: make the inference rule `rule` unless it is there already. */
void rule_kept(const identity::Driver& id, const identity::RoleInference& rule)
{
    auto rules = id.roleInferenceList();
    if (std::find(rules.begin(), rules.end(), rule) == rules.end())
        id.roleInferenceCreate(rule);
}

identity::Project project_named(const identity::Driver& id, const std::string& name, const std::string& domain,
                                bool create)
{
    try {
        return id.projectFind({.name = name, .domain_id = domain});
    } catch (const NotFound&) {
        if (!create)
            throw;
        return id.projectCreate({.name = name, .domain_id = domain});
    }
}

identity::User user_named(const identity::Driver& id, const std::string& name, const std::string& domain,
                          const std::string& password)
{
    try {
        return id.userAuthenticate({.name = name, .domain_id = domain}, password);
    } catch (const Unauthorized&) {
        return id.userCreate({.name = name, .domain_id = domain}, password);
    }
}

/* echo_off: while alive, what is typed at the terminal on standard input is not shown. */
class EchoOff {
  public:
    EchoOff()
    {
        if (tcgetattr(0, &saved_) == 0) {
            termios quiet = saved_;
            quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
            on_ = tcsetattr(0, TCSAFLUSH, &quiet) == 0;
        }
    }
    ~EchoOff()
    {
        if (on_)
            tcsetattr(0, TCSAFLUSH, &saved_);
    }
    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;

  private:
    termios saved_{};
    bool on_ = false;
};

std::string line_of_stdin()
{
    std::string line;
    if (!std::getline(std::cin, line))
        throw std::invalid_argument("no password on standard input");
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    return line;
}

/*
 * password: the password a command sets, from where the operator put it: --password-stdin, then
 * --password (which ps and the shell's history show), then JUMPGATE_PASSWORD, then the terminal,
 * asked twice.
 */
std::string password(const po::variables_map& vm)
{
    std::string found;
    if (vm.count("password-stdin")) {
        found = line_of_stdin();
    } else if (vm.count("password")) {
        found = vm["password"].as<std::string>();
    } else if (const char* env = std::getenv("JUMPGATE_PASSWORD")) {
        found = env;
    } else if (isatty(0)) {
        EchoOff quiet;
        std::cerr << "Password: " << std::flush;
        found = line_of_stdin();
        std::cerr << "\nAgain: " << std::flush;
        std::string again = line_of_stdin();
        std::cerr << "\n";
        if (again != found)
            throw std::invalid_argument("the two passwords differ");
    } else {
        throw std::invalid_argument("a password is needed: --password-stdin, JUMPGATE_PASSWORD, a terminal to ask "
                                    "at, or --password");
    }
    if (found.empty())
        throw std::invalid_argument("the password is empty");
    return found;
}

/*
 * act_as_the_state_owner: run as root, take on the user and group that own the state directory
 * (the workers', "jumpgate" under systemd), so that the database, keys and files this run makes
 * or changes stay theirs to write; a worker cannot write a database root made. Nothing changes
 * when the directory is root's or not there yet, or when not run as root.
 */
std::vector<ConfigError> act_as_the_state_owner(const std::string& state_dir)
{
    struct stat st {};
    if (geteuid() != 0 || state_dir.empty() || stat(state_dir.c_str(), &st) != 0 || st.st_uid == 0)
        return {};
    if (setgroups(0, nullptr) != 0 || setgid(st.st_gid) != 0 || setuid(st.st_uid) != 0)
        return {{"", 0,
                 "cannot act as the owner (uid " + std::to_string(st.st_uid) + ") of the state directory " + state_dir +
                     ": " + std::strerror(errno)}};
    log::debug("acting as uid " + std::to_string(st.st_uid) + ", the owner of " + state_dir);
    return {};
}

/*
 * load_metadefs: every *.json file of `dir` (Glance's seed catalog, say) as a
 * metadata definitions namespace of the image service, as glance-manage
 * db_load_metadefs loads them: a namespace that exists already is left as it
 * is, a file that is no namespace is named and skipped. Returns how many were
 * refused; throws std::runtime_error when `dir` cannot be read.
 */
int load_metadefs(const App& app, const std::string& dir)
{
    const image::Driver* driver = app.image().driver.get();
    if (!driver || !app.image().operations.has(static_cast<unsigned>(image::Op::mdNamespaceCreate)))
        throw NotImplemented("the image service's driver keeps no metadata definitions");
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir))
        if (entry.path().extension() == ".json" && entry.is_regular_file())
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    Context admin;
    admin.roles = {"admin"};
    int refused = 0, loaded = 0, kept = 0;
    for (const auto& file : files) {
        try {
            std::ifstream in(file);
            json body = json::parse(in);
            // As Glance's loader: owned by "admin" unless the file names an owner; no visibility is private.
            driver->mdNamespaceCreate(admin, image::namespace_from_json(body, "admin", api::unix_now()));
            ++loaded;
        } catch (const Conflict&) {
            ++kept;
        } catch (const std::exception& e) {
            std::cerr << "jumpgate-manage: " << file.string() << ": " << e.what() << "\n";
            ++refused;
        }
    }
    std::cout << "metadefs: " << loaded << " namespaces loaded, " << kept << " there already, " << refused
              << " refused, from " << dir << "\n";
    return refused;
}

std::string key_dir(const App& app)
{
    std::string dir = app.config().get("identity", "key_repository");
    return dir.empty() ? app.state_dir() + "/token-keys" : dir;
}

} // namespace

int main(int argc, char** argv)
{
    log::set_program("jumpgate-manage");
    po::options_description desc("Options");
    desc.add_options()("help,h", "show this help")("config,c", po::value<std::string>(), "configuration file")(
        "username", po::value<std::string>(), "user name")("password", po::value<std::string>(),
                                                           "password (visible in ps: prefer the others)")(
        "password-stdin", "read the password from the first line of standard input")(
        "project", po::value<std::string>(), "project name")("role", po::value<std::string>(), "role name")(
        "domain", po::value<std::string>()->default_value("default"),
        "domain id")("max-active", po::value<int>()->default_value(3), "token keys kept by a rotation")(
        "command", po::value<std::vector<std::string>>(), "command words");
    po::positional_options_description positional;
    positional.add("command", -1);
    po::variables_map vm;
    std::vector<std::string> overrides;
    try {
        auto parsed =
            po::command_line_parser(argc, argv).options(desc).positional(positional).allow_unregistered().run();
        po::store(parsed, vm);
        for (const auto& t : po::collect_unrecognized(parsed.options, po::exclude_positional)) {
            if (t.rfind("--", 0) != 0 || t.find('.') == std::string::npos || t.find('=') == std::string::npos) {
                std::cerr << "jumpgate-manage: unrecognised argument '" << t << "'\n" << kUsage;
                return 2;
            }
            overrides.push_back(t.substr(2));
        }
    } catch (const po::error& e) {
        std::cerr << "jumpgate-manage: " << e.what() << "\n" << kUsage;
        return 2;
    }
    auto words = vm.count("command") ? vm["command"].as<std::vector<std::string>>() : std::vector<std::string>{};
    if (vm.count("help") || words.empty()) {
        std::cout << kUsage << desc;
        return words.empty() && !vm.count("help") ? 2 : 0;
    }
    auto need = [&](const char* name) {
        if (!vm.count(name))
            throw std::invalid_argument(std::string("--") + name + " is required");
        return vm[name].as<std::string>();
    };

    App app;
    std::string file = vm.count("config") ? vm["config"].as<std::string>() : JUMPGATE_CONFIG_FILE;
    struct stat st;
    if (!vm.count("config") && stat(file.c_str(), &st) != 0)
        file.clear();
    auto errors = app.config().load(file, overrides);
    if (errors.empty())
        errors = act_as_the_state_owner(app.state_dir());
    if (errors.empty())
        errors = app.start();
    for (const auto& e : errors)
        std::cerr << "jumpgate-manage: " << e.str() << "\n";
    if (!errors.empty())
        return 1;

    try {
        std::string domain = vm["domain"].as<std::string>();
        if (words[0] == "token-keys" && words.size() == 2 && words[1] == "setup") {
            api::identity::KeyRepository::setup(key_dir(app));
            std::cout << "token keys in " << key_dir(app) << "\n";
            return 0;
        }
        if (words[0] == "token-keys" && words.size() == 2 && words[1] == "rotate") {
            api::identity::KeyRepository::rotate(key_dir(app), vm["max-active"].as<int>());
            std::cout << "token keys rotated in " << key_dir(app) << "\n";
            return 0;
        }
        if (words[0] == "metadefs" && words.size() == 3 && words[1] == "load")
            return load_metadefs(app, words[2]) ? 1 : 0;
        const identity::Driver* id = app.identity();
        if (!id)
            throw std::invalid_argument("the identity service has no driver with users");
        if (words[0] == "bootstrap" && words.size() == 1) {
            api::identity::KeyRepository::setup(key_dir(app));
            // As keystone-manage bootstrap: reader, member and admin, each implying the one before, and the
            // admin's role on the system as well as on its project (and here on its domain too).
            auto reader = role_named(*id, "reader");
            auto member = role_named(*id, "member");
            auto admin = role_named(*id, vm.count("role") ? vm["role"].as<std::string>() : "admin");
            rule_kept(*id, {member.id, reader.id});
            rule_kept(*id, {admin.id, member.id});
            auto project = project_named(*id, need("project"), domain, true);
            auto user = user_named(*id, need("username"), domain, password(vm));
            id->roleAssign({.role_id = admin.id, .user_id = user.id, .project_id = project.id});
            id->roleAssign({.role_id = admin.id, .user_id = user.id, .domain_id = domain});
            id->roleAssignSystem(admin.id, user.id);
            std::cout << "bootstrapped user " << user.name << " (" << user.id << ") with role " << admin.name
                      << " on project " << project.name << " (" << project.id << ") and on the system\n";
            return 0;
        }
        if (words[0] == "project" && words.size() == 3 && words[1] == "create") {
            auto p = id->projectCreate({.name = words[2], .domain_id = domain});
            std::cout << p.id << "\n";
            return 0;
        }
        if (words[0] == "user" && words.size() == 3 && words[1] == "create") {
            auto u = id->userCreate({.name = words[2], .domain_id = domain}, password(vm));
            if (vm.count("project")) {
                auto project = project_named(*id, vm["project"].as<std::string>(), domain, false);
                auto role = role_named(*id, vm.count("role") ? vm["role"].as<std::string>() : "member");
                id->roleAssign({.role_id = role.id, .user_id = u.id, .project_id = project.id});
            }
            std::cout << u.id << "\n";
            return 0;
        }
        std::cerr << "jumpgate-manage: unknown command\n" << kUsage;
        return 2;
    } catch (const NotImplemented& e) {
        // An identity driver whose users are its cloud's (SoftLayer's) has no admin to bootstrap.
        std::cerr << "jumpgate-manage: " << e.what() << "\n";
        return 3;
    } catch (const std::exception& e) {
        std::cerr << "jumpgate-manage: " << e.what() << "\n";
        return 1;
    }
}
