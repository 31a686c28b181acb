// SPDX-License-Identifier: Apache-2.0
// An FCGX_Request over memory, for the unit tests and the fuzz targets of the FastCGI edge.
#pragma once

#include <algorithm>
#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fcgiapp.h>

namespace jumpgate::testing {

/*
 * MemoryFcgx: the parameters as given, the body handed out `chunk` bytes at a time (all of it at
 * once when 0) straight from one exactly sized buffer, so that AddressSanitizer sees a read past
 * it; the output kept as written, up to `keep` bytes (what is past them is dropped as it comes).
 */
class MemoryFcgx {
  public:
    MemoryFcgx(std::vector<std::string> env, std::string_view body = {}, std::size_t chunk = 0,
               std::size_t keep = std::numeric_limits<std::size_t>::max())
        : env_(std::move(env)), body_(body.begin(), body.end()), chunk_(chunk ? chunk : body.size()), keep_(keep)
    {
        for (auto& e : env_)
            envp_.push_back(e.data());
        envp_.push_back(nullptr);

        in_.isReader = 1;
        in_.rdNext = in_.wrNext = in_.stop = in_.stopUnget = nothing_;
        in_.fillBuffProc = &MemoryFcgx::fill;
        in_.data = this;

        out_.isReader = 0;
        out_.wrNext = out_buffer_;
        out_.stop = out_.rdNext = out_buffer_ + sizeof out_buffer_;
        out_.emptyBuffProc = &MemoryFcgx::empty;
        out_.data = this;

        raw_.in = &in_;
        raw_.out = &out_;
        raw_.err = nullptr;
        raw_.envp = envp_.data();
        raw_.ipcFd = -1;
    }
    MemoryFcgx(const MemoryFcgx&) = delete;
    MemoryFcgx& operator=(const MemoryFcgx&) = delete;

    FCGX_Request& raw() { return raw_; }

    /* written: the response as written so far (its first `keep` bytes). */
    const std::string& written()
    {
        FCGX_FFlush(&out_);
        return written_;
    }
    std::string head() { return written().substr(0, written().find("\r\n\r\n") + 4); }
    std::string body()
    {
        auto end = written().find("\r\n\r\n");
        return end == std::string::npos ? std::string() : written().substr(end + 4);
    }

  private:
    static void fill(FCGX_Stream* stream)
    {
        auto* self = static_cast<MemoryFcgx*>(stream->data);
        if (self->pos_ >= self->body_.size()) {
            stream->isClosed = 1;
            stream->rdNext = stream->stop = stream->wrNext = stream->stopUnget = self->nothing_;
            return;
        }
        std::size_t n = std::min(self->chunk_, self->body_.size() - self->pos_);
        stream->rdNext = stream->stopUnget = self->body_.data() + self->pos_;
        stream->stop = stream->wrNext = self->body_.data() + self->pos_ + n;
        self->pos_ += n;
    }

    static void empty(FCGX_Stream* stream, int)
    {
        auto* self = static_cast<MemoryFcgx*>(stream->data);
        auto n = static_cast<std::size_t>(stream->wrNext - self->out_buffer_);
        if (self->written_.size() < self->keep_)
            self->written_.append(reinterpret_cast<char*>(self->out_buffer_),
                                  std::min(n, self->keep_ - self->written_.size()));
        stream->wrNext = self->out_buffer_;
    }

    std::vector<std::string> env_;
    std::vector<char*> envp_;
    std::vector<unsigned char> body_;
    std::size_t chunk_;
    std::size_t keep_;
    std::size_t pos_ = 0;
    unsigned char nothing_[1] = {0};
    unsigned char out_buffer_[1000];
    std::string written_;
    FCGX_Stream in_{};
    FCGX_Stream out_{};
    FCGX_Request raw_{};
};

} // namespace jumpgate::testing
