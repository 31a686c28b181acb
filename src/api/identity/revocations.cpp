// SPDX-License-Identifier: Apache-2.0
// Revocations: a file of revoked audit ids that every worker appends to and rereads when it grew.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <stdexcept>

#include <jumpgate/driver/revocations.hpp>

namespace jumpgate::identity {

Revocations::Revocations(std::string path) : path_(std::move(path)) {}

std::int64_t Revocations::generation() const
{
    struct stat st {};
    if (stat(path_.c_str(), &st) != 0)
        return 0;
    // Appending only grows the file; pruning replaces it (another inode). Mixed unsigned, which wraps.
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(st.st_ino) * 1000000007u +
                                     static_cast<std::uint64_t>(st.st_size));
}

void Revocations::reload() const
{
    std::int64_t now_generation = generation();
    if (now_generation == loaded_)
        return;
    revoked_.clear();
    std::ifstream in(path_);
    std::string audit_id;
    std::int64_t expires_at = 0;
    std::int64_t t = std::time(nullptr);
    while (in >> audit_id >> expires_at)
        if (expires_at >= t)
            revoked_.insert(audit_id);
    loaded_ = now_generation;
}

void Revocations::add(const std::string& audit_id, std::int64_t expires_at)
{
    int fd = open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        throw std::runtime_error("cannot record a revocation in " + path_);
    flock(fd, LOCK_EX);
    std::string line = audit_id + " " + std::to_string(expires_at) + "\n";
    bool written = write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    close(fd);
    if (!written)
        throw std::runtime_error("cannot record a revocation in " + path_);
}

bool Revocations::has(const std::string& audit_id) const
{
    std::lock_guard lock(mutex_);
    reload();
    return revoked_.count(audit_id) != 0;
}

} // namespace jumpgate::identity
