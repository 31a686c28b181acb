// SPDX-License-Identifier: Apache-2.0
// HTTP calls to the upstream: one libcurl multi handle per call, so that its answer can be read as it arrives.
#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <mutex>

#include <jumpgate/fault.hpp>
#include <jumpgate/log.hpp>

#include "http.hpp"

namespace jumpgate::openstack {

namespace {

bool same_name(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trimmed(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == '\r' || s.back() == '\n' || s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

/* where: the scheme, host and port of `url`, what the log names (never its path: it may carry ids). */
std::string where(const std::string& url)
{
    auto scheme = url.find("://");
    auto end = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    return url.substr(0, end);
}

} // namespace

/* Http::Shared: the connection, DNS and TLS session caches every call of the worker shares. */
struct Http::Shared {
    CURLSH* share = nullptr;
    std::mutex locks[CURL_LOCK_DATA_LAST];

    Shared()
    {
        static std::once_flag global;
        std::call_once(global, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
        share = curl_share_init();
        curl_share_setopt(
            share, CURLSHOPT_LOCKFUNC, +[](CURL*, curl_lock_data data, curl_lock_access, void* self) {
                static_cast<Shared*>(self)->locks[data].lock();
            });
        curl_share_setopt(
            share, CURLSHOPT_UNLOCKFUNC,
            +[](CURL*, curl_lock_data data, void* self) { static_cast<Shared*>(self)->locks[data].unlock(); });
        curl_share_setopt(share, CURLSHOPT_USERDATA, this);
        curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
        curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
        curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    }
    ~Shared() { curl_share_cleanup(share); }
};

/* Answer::State: one transfer, its request's body on the way out and its answer as it arrives. */
struct Answer::State {
    CURLM* multi = nullptr;
    CURL* easy = nullptr;
    curl_slist* request_headers = nullptr;
    std::string where; // the upstream, for the log
    std::string request_id;

    // What is sent: a small body given whole, or a stream.
    std::string body_text;
    std::size_t body_sent = 0;
    BodySource* body = nullptr;
    std::size_t streamed = 0;                         // bytes of `body` handed to libcurl
    std::chrono::steady_clock::time_point body_moved; // when the last of them went

    int status = 0;
    bool headers_done = false;
    std::vector<std::pair<std::string, std::string>> headers;

    static constexpr std::size_t kHeld = 1 << 20;
    std::string buffer; // body bytes received and not yet read
    std::size_t taken = 0;
    bool paused = false; // on_body refused bytes: the transfer waits for read()
    bool done = false;
    CURLcode result = CURLE_OK;

    ~State()
    {
        if (multi && easy)
            curl_multi_remove_handle(multi, easy);
        if (easy)
            curl_easy_cleanup(easy);
        if (multi)
            curl_multi_cleanup(multi);
        curl_slist_free_all(request_headers);
    }

    static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* self)
    {
        auto* s = static_cast<State*>(self);
        std::string_view line(data, size * count);
        if (line.starts_with("HTTP/")) { // a new answer: a 1xx before it is forgotten
            s->headers.clear();
            auto space = line.find(' ');
            s->status = space == std::string_view::npos ? 0 : std::atoi(std::string(line.substr(space + 1, 3)).c_str());
        } else if (trimmed(line).empty()) {
            if (s->status >= 200)
                s->headers_done = true;
        } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
            s->headers.emplace_back(std::string(trimmed(line.substr(0, colon))),
                                    std::string(trimmed(line.substr(colon + 1))));
        }
        return size * count;
    }

    static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* self)
    {
        auto* s = static_cast<State*>(self);
        // One step of libcurl may read all a fast upstream has sent: past kHeld unread bytes, the transfer waits
        // (the bytes stay libcurl's) until read() has given them on.
        if (s->buffer.size() - s->taken >= kHeld) {
            s->paused = true;
            return CURL_WRITEFUNC_PAUSE;
        }
        s->buffer.append(data, size * count);
        return size * count;
    }

    static std::size_t on_send(char* data, std::size_t size, std::size_t count, void* self)
    {
        auto* s = static_cast<State*>(self);
        std::size_t room = size * count;
        if (!s->body) {
            std::size_t n = std::min(room, s->body_text.size() - s->body_sent);
            std::memcpy(data, s->body_text.data() + s->body_sent, n);
            s->body_sent += n;
            return n;
        }
        try {
            std::size_t n = s->body->read(data, room);
            s->streamed += n;
            s->body_moved = std::chrono::steady_clock::now();
            return n;
        } catch (const std::exception& e) { // the client's body failed (too large, cut short): the call too
            log::warning(s->request_id + " upstream " + s->where + ": the request's body: " + e.what());
            return CURL_READFUNC_ABORT;
        }
    }

    /*
     * on_rewind: libcurl sends a request again when the connection it reused turns out closed (a server that
     * closes every connection); the body starts over if it can: one given whole, or a stream not yet read.
     */
    static int on_rewind(void* self, curl_off_t offset, int origin)
    {
        auto* s = static_cast<State*>(self);
        if (offset != 0 || origin != SEEK_SET)
            return CURL_SEEKFUNC_CANTSEEK;
        if (!s->body) {
            s->body_sent = 0;
            return CURL_SEEKFUNC_OK;
        }
        return s->streamed == 0 ? CURL_SEEKFUNC_OK : CURL_SEEKFUNC_CANTSEEK;
    }

    /* step: let libcurl move the transfer on, waiting up to `wait_ms` for the network. */
    void step(int wait_ms)
    {
        int running = 0;
        curl_multi_perform(multi, &running);
        int left = 0;
        while (CURLMsg* m = curl_multi_info_read(multi, &left))
            if (m->msg == CURLMSG_DONE) {
                done = true;
                result = m->data.result;
            }
        // Wait for the network only when this step gave nothing: libcurl may hold bytes it read already.
        if (!done && running && buffer.size() == taken)
            curl_multi_poll(multi, nullptr, 0, wait_ms, nullptr);
    }
};

Answer::Answer(std::unique_ptr<State> state) : state_(std::move(state)) {}
Answer::~Answer() = default;

int Answer::status() const
{
    return state_->status;
}

const std::vector<std::pair<std::string, std::string>>& Answer::headers() const
{
    return state_->headers;
}

const std::string* Answer::header(std::string_view name) const
{
    for (const auto& [n, v] : state_->headers)
        if (same_name(n, name))
            return &v;
    return nullptr;
}

long long Answer::content_length() const
{
    const std::string* v = header("Content-Length");
    if (!v || v->empty() || !std::all_of(v->begin(), v->end(), [](char c) { return c >= '0' && c <= '9'; }))
        return -1;
    return std::stoll(*v);
}

std::size_t Answer::read(char* buffer, std::size_t size)
{
    State& s = *state_;
    while (s.taken == s.buffer.size() && !s.done) {
        s.buffer.clear();
        s.taken = 0;
        if (s.paused) {
            s.paused = false;
            curl_easy_pause(s.easy, CURLPAUSE_CONT); // may give on_body the bytes it kept, at once
            if (s.buffer.size() != s.taken)
                break;
        }
        s.step(1000);
    }
    if (s.taken == s.buffer.size()) {
        if (s.result != CURLE_OK) {
            log::error(s.request_id + " upstream " + s.where + " stopped sending: " + curl_easy_strerror(s.result));
            throw ServiceUnavailable("The upstream service stopped sending its answer.");
        }
        return 0;
    }
    std::size_t n = std::min(size, s.buffer.size() - s.taken);
    std::memcpy(buffer, s.buffer.data() + s.taken, n);
    s.taken += n;
    return n;
}

std::string Answer::text(std::size_t cap)
{
    std::string out;
    char chunk[65536];
    while (std::size_t n = read(chunk, sizeof chunk)) {
        if (out.size() + n > cap)
            throw PayloadTooLarge("The upstream's answer is larger than " + std::to_string(cap) + " bytes.");
        out.append(chunk, n);
    }
    return out;
}

Http::Http(Limits limits) : limits_(std::move(limits)), shared_(std::make_unique<Shared>()) {}
Http::~Http() = default;

std::unique_ptr<Answer> Http::open(const Call& call, const std::string& request_id) const
{
    auto s = std::make_unique<Answer::State>();
    s->where = where(call.url);
    s->request_id = request_id;
    s->multi = curl_multi_init();
    s->easy = curl_easy_init();
    if (!s->multi || !s->easy)
        throw std::runtime_error("libcurl cannot make a transfer");
    CURL* c = s->easy;
    curl_easy_setopt(c, CURLOPT_SHARE, shared_->share);
    curl_easy_setopt(c, CURLOPT_URL, call.url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, limits_.connect_timeout);
    // A body may take long (a large image): the call fails when it stalls, not by its length.
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, limits_.timeout);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!limits_.ca_file.empty())
        curl_easy_setopt(c, CURLOPT_CAINFO, limits_.ca_file.c_str());
    curl_easy_setopt(c, CURLOPT_USERAGENT, "jumpgate-openstack");
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, Answer::State::on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, s.get());
    // Large reads: image data passes through in fewer, bigger pieces.
    curl_easy_setopt(c, CURLOPT_BUFFERSIZE, 256L * 1024);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Answer::State::on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, s.get());

    // The client's headers go as they came; libcurl must add none of its own (Expect, Accept).
    s->request_headers = curl_slist_append(s->request_headers, "Expect:");
    bool has_accept = false;
    for (const auto& [name, value] : call.headers) {
        has_accept = has_accept || same_name(name, "Accept");
        s->request_headers = curl_slist_append(s->request_headers, (name + ": " + value).c_str());
    }
    if (!has_accept)
        s->request_headers = curl_slist_append(s->request_headers, "Accept:");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, s->request_headers);

    const std::string& m = call.method;
    bool sends = m == "POST" || m == "PUT" || m == "PATCH" || call.body || !call.body_text.empty();
    if (m == "HEAD")
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    else if (m != "GET" || sends)
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, m.c_str());
    if (sends) {
        s->body = call.body;
        s->body_text = call.body_text;
        long long length = call.body ? call.body_length : static_cast<long long>(call.body_text.size());
        curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(c, CURLOPT_READFUNCTION, Answer::State::on_send);
        curl_easy_setopt(c, CURLOPT_READDATA, s.get());
        curl_easy_setopt(c, CURLOPT_SEEKFUNCTION, Answer::State::on_rewind);
        curl_easy_setopt(c, CURLOPT_SEEKDATA, s.get());
        if (length >= 0)
            curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(length));
    }
    curl_multi_add_handle(s->multi, c);

    // The upstream has the timeout to answer from the request's last byte: a large body may take long to send.
    s->body_moved = std::chrono::steady_clock::now();
    while (!s->headers_done && !s->done) {
        if (std::chrono::steady_clock::now() > s->body_moved + std::chrono::seconds(limits_.timeout)) {
            log::error(request_id + " upstream " + s->where + " did not answer " + m + " within " +
                       std::to_string(limits_.timeout) + " s");
            throw ServiceUnavailable("The upstream service did not answer in time.");
        }
        s->step(200);
    }
    if (!s->headers_done && s->result == CURLE_ABORTED_BY_CALLBACK) {
        // The request's body stopped it (on_send logged why): the upstream is not at fault.
        log::warning(request_id + " upstream " + s->where + ": " + m + " given up while its body was sent");
        throw ServiceUnavailable("The request's body could not be sent to the upstream service.");
    }
    if (!s->headers_done) {
        log::error(request_id + " upstream " + s->where +
                   " cannot be reached: " + (s->result != CURLE_OK ? curl_easy_strerror(s->result) : "no answer"));
        throw ServiceUnavailable("The upstream service is unavailable.");
    }
    return std::unique_ptr<Answer>(new Answer(std::move(s)));
}

} // namespace jumpgate::openstack
