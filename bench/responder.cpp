// SPDX-License-Identifier: Apache-2.0
// The baseline of make bench: the least a libfcgi worker can do behind the same nginx.
// "static" answers fixed 1 KiB of JSON; "json" parses the query string with cgicc and
// builds the same document with nlohmann/json, as a handler would; "print" prints the bytes.
#include <cstdio>
#include <cstring>
#include <string>

#include <cgicc/CgiInput.h>
#include <cgicc/Cgicc.h>
#include <fcgiapp.h>
#include <nlohmann/json.hpp>

namespace {

class Input : public cgicc::CgiInput {
  public:
    explicit Input(FCGX_Request& r) : r_(r) {}
    size_t read(char*, size_t) override { return 0; }
    std::string getenv(const char* name) override
    {
        const char* v = FCGX_GetParam(name, r_.envp);
        return v ? v : "";
    }

  private:
    FCGX_Request& r_;
};

nlohmann::json document(const std::string& name)
{
    nlohmann::json items = nlohmann::json::array();
    for (int i = 0; i < 9; ++i)
        items.push_back({{"id", "item-" + std::to_string(i)},
                         {"name", name},
                         {"status", "ACTIVE"},
                         {"links", {{{"rel", "self"}, {"href", "http://127.0.0.1/x"}}}}});
    return {{"items", items}};
}

} // namespace

int main(int argc, char** argv)
{
    bool build = argc > 1 && std::strcmp(argv[1], "json") == 0;
    std::string fixed = document("bench").dump();
    if (argc > 1 && std::strcmp(argv[1], "print") == 0) {
        std::fputs(fixed.c_str(), stdout); // the bytes nginx serves as a static file
        return 0;
    }
    FCGX_Init();
    FCGX_Request r;
    FCGX_InitRequest(&r, 0, 0);
    while (FCGX_Accept_r(&r) >= 0) {
        std::string body = fixed;
        if (build) {
            Input in(r);
            cgicc::Cgicc cgi(&in);
            std::string name = "bench";
            for (const auto& e : *cgi)
                if (e.getName() == "name")
                    name = e.getValue();
            body = document(name).dump();
        }
        std::string head =
            "Status: 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
            "\r\n\r\n";
        FCGX_PutStr(head.data(), static_cast<int>(head.size()), r.out);
        FCGX_PutStr(body.data(), static_cast<int>(body.size()), r.out);
        FCGX_Finish_r(&r);
    }
    return 0;
}
