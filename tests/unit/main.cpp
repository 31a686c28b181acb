// SPDX-License-Identifier: Apache-2.0
// The unit test module: every tests/unit/**/*_test.cpp links into it.
#define BOOST_TEST_MODULE jumpgate
#include <boost/test/unit_test.hpp>
