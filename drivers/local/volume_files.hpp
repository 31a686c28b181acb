// SPDX-License-Identifier: Apache-2.0
// The bytes of the local cloud's volumes, snapshots and backups: sparse files, made whole before they are named.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <string>
#include <utility>

#include <jumpgate/request.hpp>

namespace jumpgate::local {

constexpr long long kGiB = 1LL << 30;

/* gib_ceil: `bytes` in whole GiB, rounded up. */
inline long long gib_ceil(long long bytes)
{
    return (bytes + kGiB - 1) / kGiB;
}

/* fail_file: throws for a failed operation on a file of the volume stores, as fail_storage does with errno. */
[[noreturn]] void fail_file(const std::string& what);

/* Fd: a file descriptor closed when it goes. */
class Fd {
  public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    ~Fd()
    {
        if (fd_ >= 0)
            close(fd_);
    }
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd& operator=(Fd&& other) noexcept
    {
        std::swap(fd_, other.fd_);
        return *this;
    }
    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }

  private:
    int fd_;
};

/* file_size: the size of the open file `fd`, in bytes. */
long long file_size(int fd);

/*
 * store_file: make `dir`/`id` a file of `size` bytes that begins with the
 * first `source_length` bytes of `source` (when it is open), written under a
 * temporary name and linked into place only once complete, so no half-made
 * file ever has the final name. Conflict when the name is taken; returns the
 * final path.
 */
std::string store_file(const std::string& dir, const std::string& id, long long size, int source,
                       long long source_length);

/* open_source: `path` open to read; BadRequest ("<what> has no data to copy.") when it cannot be. */
Fd open_source(const std::string& path, const std::string& what);

/* open_stored: a file of the stores open to read; `what` names it when it cannot be (fail_file). */
Fd open_stored(const std::string& path, const std::string& what);

/* FileBytes: a file read from its start, as an upload's body. */
class FileBytes : public BodySource {
  public:
    explicit FileBytes(int fd) : fd_(fd) {}
    std::size_t read(char* buffer, std::size_t size) override;

  private:
    int fd_;
};

} // namespace jumpgate::local
