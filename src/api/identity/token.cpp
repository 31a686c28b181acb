// SPDX-License-Identifier: Apache-2.0
// Tokens: stateless, authenticated and encrypted (AES-256-GCM), sealed with a rotating key repository.
#include "api/identity/token.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <openssl/rand.h>

namespace jumpgate::api::identity {

namespace {

constexpr unsigned char kVersion = 1;
constexpr std::size_t kKeySize = 32;
constexpr std::size_t kNonceSize = 12;
constexpr std::size_t kTagSize = 16;
// A worker's cache of opened tokens holds at most this many (about 0.5 MiB).
constexpr std::size_t kOpenedMax = 1024;

std::string base64url(const unsigned char* data, std::size_t size)
{
    std::string out(4 * ((size + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
    out.resize(static_cast<std::size_t>(n));
    for (char& c : out)
        c = c == '+' ? '-' : c == '/' ? '_' : c;
    while (!out.empty() && out.back() == '=')
        out.pop_back();
    return out;
}

std::optional<std::string> unbase64url(std::string_view text)
{
    std::string in(text);
    for (char& c : in) {
        if (c == '-')
            c = '+';
        else if (c == '_')
            c = '/';
        else if (!std::isalnum(static_cast<unsigned char>(c)))
            return std::nullopt;
    }
    std::size_t padding = (4 - in.size() % 4) % 4;
    if (padding == 3)
        return std::nullopt;
    in.append(padding, '=');
    std::string out(in.size() / 4 * 3, '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
    if (n < 0)
        return std::nullopt;
    out.resize(static_cast<std::size_t>(n) - padding);
    return out;
}

std::string random_bytes(std::size_t n)
{
    std::string out(n, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
        throw std::runtime_error("RAND_bytes failed");
    return out;
}

using Cipher = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

std::vector<int> key_numbers(const std::string& dir)
{
    std::vector<int> numbers;
    if (DIR* d = opendir(dir.c_str())) {
        while (dirent* e = readdir(d)) {
            std::string_view name = e->d_name;
            if (!name.empty() && name.find_first_not_of("0123456789") == std::string_view::npos)
                numbers.push_back(std::stoi(std::string(name)));
        }
        closedir(d);
    }
    std::sort(numbers.begin(), numbers.end());
    return numbers;
}

void write_key(const std::string& path)
{
    std::string key = random_bytes(kKeySize);
    std::string text = base64url(reinterpret_cast<const unsigned char*>(key.data()), key.size()) + "\n";
    std::string tmp = path + ".tmp";
    int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size()) || fsync(fd) != 0 ||
        close(fd) != 0 || rename(tmp.c_str(), path.c_str()) != 0)
        throw std::runtime_error("cannot write key " + path + ": " + std::strerror(errno));
}

std::int64_t mtime_of(const std::string& path)
{
    struct stat st {};
    if (stat(path.c_str(), &st) != 0)
        return 0;
    return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

} // namespace

void KeyRepository::setup(const std::string& dir)
{
    if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
        throw std::runtime_error("cannot create " + dir + ": " + std::strerror(errno));
    if (!key_numbers(dir).empty())
        return;
    write_key(dir + "/0");
    write_key(dir + "/1");
}

void KeyRepository::rotate(const std::string& dir, int max_active)
{
    setup(dir);
    auto numbers = key_numbers(dir);
    int next = numbers.back() + 1;
    if (rename((dir + "/0").c_str(), (dir + "/" + std::to_string(next)).c_str()) != 0)
        throw std::runtime_error("cannot promote the staged key in " + dir);
    write_key(dir + "/0");
    numbers = key_numbers(dir);
    // Oldest secondary keys go first; the staged (0) and the primary always stay.
    for (std::size_t i = 1; static_cast<int>(numbers.size()) > std::max(max_active, 3) && i + 1 < numbers.size();) {
        unlink((dir + "/" + std::to_string(numbers[i])).c_str());
        numbers.erase(numbers.begin() + static_cast<std::ptrdiff_t>(i));
    }
}

KeyRepository::KeyRepository(std::string dir) : dir_(std::move(dir))
{
    load();
}

void KeyRepository::load()
{
    std::vector<std::string> keys;
    auto numbers = key_numbers(dir_);
    std::reverse(numbers.begin(), numbers.end()); // primary (highest) first, staged last
    for (int n : numbers) {
        std::ifstream in(dir_ + "/" + std::to_string(n));
        std::string text;
        in >> text;
        auto key = unbase64url(text);
        if (key && key->size() == kKeySize)
            keys.push_back(*key);
    }
    if (keys.empty())
        throw std::runtime_error("no token keys in " + dir_ + " (jumpgate-manage token-keys setup)");
    keys_ = std::move(keys);
    opened_.clear();
    loaded_mtime_ = mtime_of(dir_);
}

void KeyRepository::reload_if_changed()
{
    struct timespec ts {};
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    if (ts.tv_sec < next_check_)
        return;
    next_check_ = ts.tv_sec + 1;
    if (mtime_of(dir_) != loaded_mtime_)
        load();
}

std::string KeyRepository::seal(const TokenPayload& p) const
{
    nlohmann::json j = {{"u", p.user_id},   {"r", p.roles},      {"m", p.methods},
                        {"i", p.issued_at}, {"e", p.expires_at}, {"a", p.audit_id}};
    if (!p.project_id.empty())
        j["p"] = p.project_id;
    if (!p.domain_id.empty())
        j["d"] = p.domain_id;
    if (p.system)
        j["s"] = true;
    if (!p.parent_audit_ids.empty())
        j["q"] = p.parent_audit_ids;
    if (!p.application_credential_id.empty())
        j["c"] = p.application_credential_id;
    if (!p.trust_id.empty())
        j["t"] = p.trust_id;
    if (!p.credentials.empty())
        j["b"] = p.credentials;
    std::vector<std::uint8_t> plain = nlohmann::json::to_cbor(j);

    std::string nonce = random_bytes(kNonceSize);
    std::string out(1 + kNonceSize + plain.size() + kTagSize, '\0');
    auto* o = reinterpret_cast<unsigned char*>(out.data());
    o[0] = kVersion;
    std::memcpy(o + 1, nonce.data(), kNonceSize);
    Cipher ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    int n = 0;
    if (!ctx ||
        EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                           reinterpret_cast<const unsigned char*>(keys_.front().data()), o + 1) != 1 ||
        EVP_EncryptUpdate(ctx.get(), nullptr, &n, o, 1) != 1 || // the version byte is authenticated too
        EVP_EncryptUpdate(ctx.get(), o + 1 + kNonceSize, &n, plain.data(), static_cast<int>(plain.size())) != 1 ||
        EVP_EncryptFinal_ex(ctx.get(), o + 1 + kNonceSize + n, &n) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, o + 1 + kNonceSize + plain.size()) != 1)
        throw std::runtime_error("token encryption failed");
    return base64url(o, out.size());
}

std::optional<TokenPayload> KeyRepository::open(std::string_view token) const
{
    if (token.size() > kTokenMax)
        return std::nullopt;
    if (auto hit = opened_.find(token); hit != opened_.end())
        return hit->second;
    auto raw = unbase64url(token);
    if (!raw || raw->size() < 1 + kNonceSize + kTagSize + 1 || static_cast<unsigned char>((*raw)[0]) != kVersion)
        return std::nullopt;
    auto* r = reinterpret_cast<unsigned char*>(raw->data());
    std::size_t cipher_size = raw->size() - 1 - kNonceSize - kTagSize;
    std::vector<std::uint8_t> plain(cipher_size);
    for (const auto& key : keys_) {
        Cipher ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
        int n = 0;
        if (!ctx ||
            EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                               reinterpret_cast<const unsigned char*>(key.data()), r + 1) != 1 ||
            EVP_DecryptUpdate(ctx.get(), nullptr, &n, r, 1) != 1 ||
            EVP_DecryptUpdate(ctx.get(), plain.data(), &n, r + 1 + kNonceSize, static_cast<int>(cipher_size)) != 1 ||
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, r + 1 + kNonceSize + cipher_size) != 1 ||
            EVP_DecryptFinal_ex(ctx.get(), plain.data() + n, &n) != 1)
            continue;
        auto j = nlohmann::json::from_cbor(plain, true, false);
        if (j.is_discarded() || !j.is_object())
            return std::nullopt;
        TokenPayload p;
        p.user_id = j.value("u", "");
        p.project_id = j.value("p", "");
        p.domain_id = j.value("d", "");
        p.system = j.value("s", false);
        p.roles = j.value("r", std::vector<std::string>{});
        p.methods = j.value("m", std::vector<std::string>{});
        p.issued_at = j.value("i", std::int64_t{0});
        p.expires_at = j.value("e", std::int64_t{0});
        p.audit_id = j.value("a", "");
        p.parent_audit_ids = j.value("q", std::vector<std::string>{});
        p.application_credential_id = j.value("c", "");
        p.trust_id = j.value("t", "");
        p.credentials = j.value("b", "");
        if (opened_.size() >= kOpenedMax)
            opened_.clear();
        opened_.emplace(token, p);
        return p;
    }
    return std::nullopt;
}

std::string new_audit_id()
{
    std::string bytes = random_bytes(16);
    return base64url(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

} // namespace jumpgate::api::identity
