// SPDX-License-Identifier: Apache-2.0
// The bytes of the local cloud's volumes, snapshots and backups: sparse copies, linked into place whole.
#include "volume_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include <jumpgate/fault.hpp>

#include "db.hpp"

namespace jumpgate::local {

namespace {

constexpr std::size_t kCopyBlock = 1 << 16;

bool all_zero(const char* p, std::size_t n)
{
    return n == 0 || (p[0] == 0 && std::memcmp(p, p + 1, n - 1) == 0);
}

void write_at(int fd, const char* p, std::size_t n, off_t at)
{
    while (n > 0) {
        ssize_t w = pwrite(fd, p, n, at);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            fail_file("volume write failed");
        p += w;
        n -= static_cast<std::size_t>(w);
        at += w;
    }
}

/*
 * copy_sparse: the first `length` bytes of `from` into `to` (already as long,
 * all zeros), in constant memory; holes of `from` and blocks of zeros are
 * skipped, so a copy stays as sparse as its source.
 */
void copy_sparse(int from, int to, off_t length)
{
    std::vector<char> buffer(kCopyBlock);
    off_t pos = 0;
    while (pos < length) {
        off_t data = lseek(from, pos, SEEK_DATA);
        if (data < 0 && errno == ENXIO)
            break; // nothing but a hole to the end
        if (data < 0 && errno != EINVAL)
            fail_file("cannot find the data of a volume file");
        if (data < 0)
            data = pos; // a file system without SEEK_DATA: all of it is data
        if (data >= length)
            break;
        off_t hole = lseek(from, data, SEEK_HOLE);
        if (hole < 0 || hole > length)
            hole = length;
        for (off_t at = data; at < hole;) {
            std::size_t want = static_cast<std::size_t>(std::min<off_t>(static_cast<off_t>(buffer.size()), hole - at));
            ssize_t n = pread(from, buffer.data(), want, at);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                fail_file("volume read failed");
            if (n == 0)
                return; // the source is shorter than it said
            if (!all_zero(buffer.data(), static_cast<std::size_t>(n)))
                write_at(to, buffer.data(), static_cast<std::size_t>(n), at);
            at += n;
        }
        pos = hole;
    }
}

} // namespace

void fail_file(const std::string& what)
{
    fail_storage(what, errno);
}

long long file_size(int fd)
{
    struct stat st {};
    if (fstat(fd, &st) != 0)
        fail_file("cannot stat a volume file");
    return static_cast<long long>(st.st_size);
}

std::string store_file(const std::string& dir, const std::string& id, long long size, int source,
                       long long source_length)
{
    std::string final_path = dir + "/" + id;
    std::string tmp = dir + "/.creating-" + id + "-" + new_uuid();
    Fd out(open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640));
    if (!out)
        fail_file("cannot create " + tmp);
    try {
        if (ftruncate(out.get(), static_cast<off_t>(size)) != 0)
            fail_file("cannot size " + tmp);
        if (source >= 0)
            copy_sparse(source, out.get(), static_cast<off_t>(std::min(size, source_length)));
        // Bytes are on disk before any record says the volume has them.
        if (fsync(out.get()) != 0)
            fail_file("cannot sync " + tmp);
        // link, unlike rename, never replaces a file that has the name already.
        if (link(tmp.c_str(), final_path.c_str()) != 0) {
            if (errno == EEXIST)
                throw Conflict("A volume or snapshot with identifier " + id + " already exists.");
            fail_file("cannot store " + final_path);
        }
    } catch (...) {
        unlink(tmp.c_str());
        throw;
    }
    unlink(tmp.c_str());
    return final_path;
}

Fd open_source(const std::string& path, const std::string& what)
{
    Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        throw BadRequest(what + " has no data to copy.");
    return fd;
}

Fd open_stored(const std::string& path, const std::string& what)
{
    Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        fail_file("cannot open " + what);
    return fd;
}

std::size_t FileBytes::read(char* buffer, std::size_t size)
{
    for (;;) {
        ssize_t n = ::read(fd_, buffer, size);
        if (n >= 0)
            return static_cast<std::size_t>(n);
        if (errno != EINTR)
            fail_file("volume read failed");
    }
}

} // namespace jumpgate::local
