// SPDX-License-Identifier: Apache-2.0
// Nova's keypairs: generated with OpenSSL or imported, with OpenSSH fingerprints.
#include <jumpgate/driver/compute.hpp>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include <jumpgate/base64.hpp>
#include <jumpgate/fault.hpp>
#include <jumpgate/hex.hpp>
#include <jumpgate/time.hpp>

#include "api/common/validation.hpp"

namespace jumpgate::compute {

namespace {

// The SSH wire encoding of a string and of a positive bignum.
void put_string(std::string& out, const std::string& s)
{
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<char>((s.size() >> shift) & 0xff));
    out += s;
}

void put_mpint(std::string& out, const BIGNUM* bn)
{
    std::string bytes(static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
    BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
    if (!bytes.empty() && (static_cast<unsigned char>(bytes[0]) & 0x80))
        bytes.insert(bytes.begin(), '\0');
    put_string(out, bytes);
}

// Nova's fingerprints: the MD5 of an SSH key blob, the SHA-1 of a certificate's DER, as colon-separated hex.
std::string fingerprint(const std::string& blob, const EVP_MD* digest = EVP_md5())
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(blob.data(), blob.size(), md, &n, digest, nullptr);
    return hex(std::span(md, n), ':');
}

using Key = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using Certificate = std::unique_ptr<X509, decltype(&X509_free)>;
using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;

std::string bio_text(BIO* bio)
{
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(len));
}

std::string der_of(X509* cert)
{
    unsigned char* der = nullptr;
    int len = i2d_X509(cert, &der);
    if (len <= 0)
        throw std::runtime_error("cannot encode the certificate");
    std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
    OPENSSL_free(der);
    return out;
}

/*
 * generate_x509: a new RSA 2048 key and a self-signed client certificate for
 * it (CN the user, ten years), as Nova makes for WinRM: the certificate is the
 * public key, the PEM key the private one.
 */
void generate_x509(Keypair& kp)
{
    Key key(EVP_RSA_gen(2048), EVP_PKEY_free);
    Certificate cert(X509_new(), X509_free);
    if (!key || !cert)
        throw std::runtime_error("certificate generation failed");
    X509_set_version(cert.get(), 2);
    unsigned char serial[16];
    if (RAND_bytes(serial, sizeof serial) != 1)
        throw std::runtime_error("no random bytes for the certificate's serial");
    serial[0] &= 0x7f; // a positive serial
    std::unique_ptr<BIGNUM, decltype(&BN_free)> bn(BN_bin2bn(serial, sizeof serial, nullptr), BN_free);
    BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get()));
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 10L * 365 * 24 * 3600);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(kp.user_id.c_str()),
                               -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, cert.get(), cert.get(), nullptr, nullptr, 0);
    if (X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, NID_ext_key_usage, "clientAuth")) {
        X509_add_ext(cert.get(), ext, -1);
        X509_EXTENSION_free(ext);
    }
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0)
        throw std::runtime_error("cannot sign the certificate");
    Bio pub(BIO_new(BIO_s_mem()), BIO_free);
    Bio priv(BIO_new(BIO_s_mem()), BIO_free);
    if (!pub || !priv || PEM_write_bio_X509(pub.get(), cert.get()) != 1 ||
        PEM_write_bio_PrivateKey(priv.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
        throw std::runtime_error("cannot write the certificate");
    kp.public_key = bio_text(pub.get());
    kp.private_key = bio_text(priv.get());
    kp.fingerprint = fingerprint(der_of(cert.get()), EVP_sha1());
}

/* import_x509: a PEM certificate as the public key; BadRequest when it is none. */
void import_x509(Keypair& kp)
{
    Bio bio(BIO_new_mem_buf(kp.public_key.data(), static_cast<int>(kp.public_key.size())), BIO_free);
    Certificate cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr, X509_free);
    if (!cert)
        throw BadRequest("Keypair data is invalid: failed to generate fingerprint");
    kp.fingerprint = fingerprint(der_of(cert.get()), EVP_sha1());
}

/* generate: a new RSA 2048 key: the OpenSSH public line and the PEM private key. */
void generate(Keypair& kp)
{
    Key key(EVP_RSA_gen(2048), EVP_PKEY_free);
    BIGNUM* n = nullptr;
    BIGNUM* e = nullptr;
    if (!key || EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
        EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_E, &e) != 1)
        throw std::runtime_error("RSA key generation failed");
    std::string blob;
    put_string(blob, "ssh-rsa");
    put_mpint(blob, e);
    put_mpint(blob, n);
    BN_free(n);
    BN_free(e);
    kp.public_key = "ssh-rsa " + base64(blob) + " Generated-by-Nova";
    kp.fingerprint = fingerprint(blob);
    Bio bio(BIO_new(BIO_s_mem()), BIO_free);
    if (!bio || PEM_write_bio_PrivateKey_traditional(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
        throw std::runtime_error("cannot write the private key");
    kp.private_key = bio_text(bio.get());
}

/* import: check an OpenSSH public key line and take its fingerprint; BadRequest when it is none. */
void import(Keypair& kp)
{
    std::string line = kp.public_key;
    auto space = line.find(' ');
    std::string type = line.substr(0, space);
    std::string rest = space == std::string::npos ? "" : line.substr(space + 1);
    std::string data = rest.substr(0, rest.find(' '));
    static const char* const kTypes[] = {
        "ssh-rsa", "ssh-ed25519", "ssh-dss", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521"};
    bool known = false;
    for (const char* t : kTypes)
        known = known || type == t;
    auto blob = data.empty() ? std::nullopt : unbase64(data);
    std::string expected;
    put_string(expected, type);
    if (!known || !blob || blob->compare(0, expected.size(), expected) != 0)
        throw BadRequest("Keypair data is invalid: failed to generate fingerprint");
    kp.fingerprint = fingerprint(*blob);
}

// Nova's safe characters of a key pair's name (2.92 added '@' and '.'), past the schema's rules for any name.
bool safe_name(const std::string& name)
{
    for (unsigned char c : name)
        if (!std::isalnum(c) && c != ' ' && c != '-' && c != '_' && c != '.' && c != '@')
            return false;
    return true;
}

json keypair_view(const Request& req, const Keypair& kp, bool full)
{
    json view = {{"name", kp.name}, {"public_key", kp.public_key}, {"fingerprint", kp.fingerprint}};
    if (req.version().at_least(2, 2))
        view["type"] = kp.type;
    if (full) {
        view["user_id"] = kp.user_id;
        view["created_at"] = api::iso_time(kp.created_at, false);
        view["deleted"] = false;
        view["deleted_at"] = nullptr;
        view["updated_at"] = nullptr;
        view["id"] = kp.id;
    }
    return view;
}

// The user whose keypairs are meant: an admin may name another from 2.10.
std::string user_of(const Request& req, const json* body = nullptr)
{
    std::string user = req.context().user_id;
    std::string asked;
    if (body && body->contains("user_id") && (*body)["user_id"].is_string())
        asked = (*body)["user_id"];
    else if (req.has_query("user_id"))
        asked = std::string(req.query("user_id"));
    if (!asked.empty() && req.version().at_least(2, 10)) {
        if (asked != user && !req.context().is_admin())
            throw Forbidden("Policy doesn't allow os_compute_api:os-keypairs for another user.");
        user = asked;
    }
    return user;
}

} // namespace

namespace {

void list_keypairs(const Driver& driver, const Request& req, Response& resp)
{
    json list = json::array();
    for (const auto& kp : driver.keypairList(req.context(), user_of(req)))
        list.push_back({{"keypair", keypair_view(req, kp, false)}});
    resp.json({{"keypairs", std::move(list)}});
}

void create_keypair(const Driver& driver, const Request& req, Response& resp)
{
    const json& body = req.json_body();
    if (!body.is_object() || !body.contains("keypair") || !body["keypair"].is_object())
        throw BadRequest("Invalid input: the body must be {\"keypair\": {...}}.");
    const json& k = body["keypair"];
    Keypair kp;
    if (!k.contains("name"))
        throw BadRequest("Invalid input for field/attribute keypair: 'name' is a required property.");
    kp.name = api::nova_name(k["name"], "name");
    if (!safe_name(kp.name))
        throw BadRequest("Keypair data is invalid: The keypair name contains unsafe characters or is empty.");
    kp.user_id = user_of(req, &k);
    if (k.contains("type")) {
        if (!req.version().at_least(2, 2) || !k["type"].is_string() || (k["type"] != "ssh" && k["type"] != "x509"))
            throw BadRequest("Invalid input for field/attribute type.");
        kp.type = k["type"];
    }
    long long quota = -1; // a cloud that keeps no quotas sets no limit
    try {
        quota = driver.quotaGet(req.context(), req.context().project_id)["key_pairs"];
    } catch (const NotImplemented&) {
    }
    if (quota >= 0 && static_cast<long long>(driver.keypairList(req.context(), kp.user_id).size()) >= quota)
        throw Forbidden("Quota exceeded, too many key pairs.");
    if (k.contains("public_key")) {
        if (!k["public_key"].is_string())
            throw BadRequest("Invalid input for field/attribute public_key.");
        kp.public_key = k["public_key"];
        while (!kp.public_key.empty() && std::isspace(static_cast<unsigned char>(kp.public_key.back())))
            kp.public_key.pop_back();
        if (kp.type == "x509")
            import_x509(kp);
        else
            import(kp);
    } else if (kp.type == "x509") {
        generate_x509(kp);
    } else {
        generate(kp);
    }
    kp.created_at = api::unix_now();
    std::string private_key = kp.private_key;
    kp.private_key.clear(); // never stored
    Keypair made = driver.keypairCreate(req.context(), kp);
    json view = keypair_view(req, made, false);
    view["user_id"] = made.user_id;
    if (!private_key.empty())
        view["private_key"] = private_key;
    resp.status = req.version().at_least(2, 2) ? 201 : 200;
    resp.json({{"keypair", std::move(view)}});
}

void show_keypair(const Driver& driver, const Request& req, Response& resp)
{
    resp.json({{"keypair",
                keypair_view(req, driver.keypairGet(req.context(), user_of(req), req.param("keypair_name")), true)}});
}

void delete_keypair(const Driver& driver, const Request& req, Response& resp)
{
    driver.keypairDelete(req.context(), user_of(req), req.param("keypair_name"));
    resp.status = req.version().at_least(2, 2) ? 204 : 202;
    resp.clear_body();
}

const Binding<Driver> kKeypairBindings[] = {
    {"v2_os_keypairs", "GET", {Op::keypairList}, list_keypairs},
    {"v2_os_keypairs", "POST", {Op::keypairList, Op::keypairCreate}, create_keypair},
    {"v2_os_keypair", "GET", {Op::keypairGet}, show_keypair},
    {"v2_os_keypair", "DELETE", {Op::keypairDelete}, delete_keypair},
};

} // namespace

std::span<const Binding<Driver>> keypair_bindings()
{
    return kKeypairBindings;
}

std::vector<Keypair> Driver::keypairList(const Context&, const std::string&) const
{
    throw NotImplemented("keypairList");
}
Keypair Driver::keypairGet(const Context&, const std::string&, const std::string&) const
{
    throw NotImplemented("keypairGet");
}
Keypair Driver::keypairCreate(const Context&, const Keypair&) const
{
    throw NotImplemented("keypairCreate");
}
void Driver::keypairDelete(const Context&, const std::string&, const std::string&) const
{
    throw NotImplemented("keypairDelete");
}

} // namespace jumpgate::compute
