// SPDX-License-Identifier: Apache-2.0
// StringBody: a request body held in a string, for tests that hand a Request a JSON body.
#pragma once

#include <algorithm>
#include <cstring>
#include <string>

#include <jumpgate/request.hpp>

namespace jumpgate::test {

class StringBody : public BodySource {
  public:
    explicit StringBody(std::string data) : data_(std::move(data)) {}
    std::size_t read(char* buffer, std::size_t size) override
    {
        std::size_t n = std::min(size, data_.size() - pos_);
        std::memcpy(buffer, data_.data() + pos_, n);
        pos_ += n;
        return n;
    }

  private:
    std::string data_;
    std::size_t pos_ = 0;
};

} // namespace jumpgate::test
