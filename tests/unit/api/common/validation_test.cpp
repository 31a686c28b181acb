// SPDX-License-Identifier: Apache-2.0
// The shared validators: UTF-8, printable names, the schemas' integers, and the messages that name
// the field.
#include <boost/test/unit_test.hpp>

#include <jumpgate/fault.hpp>

#include "api/common/validation.hpp"

using namespace jumpgate;
using namespace jumpgate::api;

namespace {

// The message of the BadRequest `call` throws, or "" when it throws none.
template <class F> std::string refusal(F&& call)
{
    try {
        call();
    } catch (const BadRequest& e) {
        return e.what();
    }
    return "";
}

} // namespace

BOOST_AUTO_TEST_SUITE(common_validation)

BOOST_AUTO_TEST_CASE(utf8_is_well_formed_or_not)
{
    BOOST_TEST(utf8_valid(""));
    BOOST_TEST(utf8_valid("plain"));
    BOOST_TEST(utf8_valid("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
    BOOST_TEST(!utf8_valid("\xff"));
    BOOST_TEST(!utf8_valid("\xff\xfe"));
    BOOST_TEST(!utf8_valid("\xc3"));             // cut short
    BOOST_TEST(!utf8_valid("\xc0\xaf"));         // overlong '/'
    BOOST_TEST(!utf8_valid("\xe0\x80\xaf"));     // overlong, three bytes
    BOOST_TEST(!utf8_valid("\xed\xa0\x80"));     // a surrogate
    BOOST_TEST(!utf8_valid("\xf4\x90\x80\x80")); // past U+10FFFF
    BOOST_TEST(!utf8_valid("a\x80z"));           // a lone continuation byte
    BOOST_TEST(utf8_length("caf\xc3\xa9") == 4u);
    BOOST_TEST(utf8_length("\xf0\x9f\x98\x80") == 1u);
}

BOOST_AUTO_TEST_CASE(printable_refuses_controls_and_spaces_at_the_ends)
{
    BOOST_TEST(printable("web 01", true));
    BOOST_TEST(printable("caf\xc3\xa9", true));
    BOOST_TEST(printable(" lead", false));
    BOOST_TEST(!printable(" lead", true));
    BOOST_TEST(!printable("trail ", true));
    BOOST_TEST(!printable("nbsp\xc2\xa0", true)); // U+00A0 is a space too
    BOOST_TEST(!printable(std::string("nul\0x", 5), false));
    BOOST_TEST(!printable("new\nline", false));
    BOOST_TEST(!printable("tab\there", false));
    BOOST_TEST(!printable("del\x7f", false));
    BOOST_TEST(!printable("c1\xc2\x85", false));          // NEL
    BOOST_TEST(!printable("zw\xe2\x80\x8bsp", false));    // zero width space (format)
    BOOST_TEST(!printable("line\xe2\x80\xa8sep", false)); // U+2028
    BOOST_TEST(!printable("private\xee\x80\x80", false)); // U+E000
    BOOST_TEST(!printable("\xff", false));
}

BOOST_AUTO_TEST_CASE(python_repr_is_what_the_services_quote)
{
    BOOST_TEST(python_repr(json("abc")) == "'abc'");
    BOOST_TEST(python_repr(json(true)) == "True");
    BOOST_TEST(python_repr(json(nullptr)) == "None");
    BOOST_TEST(python_repr(json(3.7)) == "3.7");
    BOOST_TEST(python_repr(json::array()) == "[]");
    BOOST_TEST(python_repr(json::parse(R"([1, "a", {"k": null}])")) == "[1, 'a', {'k': None}]");
    BOOST_TEST(python_repr(json("a\nb")) == "'a\\nb'");
}

BOOST_AUTO_TEST_CASE(nova_names)
{
    BOOST_TEST(nova_name(json("web-01"), "name") == "web-01");
    BOOST_TEST(nova_name(json("in the middle"), "name") == "in the middle");
    BOOST_TEST(nova_name(json(std::string(255, 'x')), "name").size() == 255u);
    std::string two_byte;
    for (int i = 0; i < 255; ++i)
        two_byte += "\xc3\xa9";
    BOOST_TEST(nova_name(json(two_byte), "name") == two_byte); // 255 characters, 510 bytes
    BOOST_TEST(refusal([] { nova_name(json(5), "name"); }) ==
               "Invalid input for field/attribute name. Value: 5. 5 is not of type 'string'");
    BOOST_TEST(refusal([] { nova_name(json(""), "name"); }) ==
               "Invalid input for field/attribute name. Value: . '' is too short");
    BOOST_TEST(refusal([] { nova_name(json(std::string(256, 'x')), "name"); }).find("is too long") !=
               std::string::npos);
    std::string invalid = "An invalid 'name' value was provided. The name must be: printable characters. Can not "
                          "start or end with whitespace.";
    for (const char* bad : {" lead", "trail ", "new\nline", "tab\t", "bell\x07"})
        BOOST_TEST(refusal([&] { nova_name(json(bad), "name"); }) == invalid, bad);
    BOOST_TEST(refusal([] { nova_name(json(std::string("nul\0", 4)), "name"); }) == invalid);
}

BOOST_AUTO_TEST_CASE(nova_descriptions_and_metadata)
{
    BOOST_TEST(!nova_description(json(nullptr), "description"));
    BOOST_TEST(*nova_description(json(" spaces are fine "), "description") == " spaces are fine ");
    BOOST_TEST(refusal([] { nova_description(json(1), "description"); }) ==
               "Invalid input for field/attribute description. Value: 1. 1 is not of type "
               "'string', 'null'");
    BOOST_TEST(refusal([] {
                   nova_description(json("a\nb"), "description");
               }).starts_with("Invalid input for field/attribute description."));
    BOOST_TEST(refusal([] { nova_description(json(std::string(256, 'd')), "description"); }).find("too long") !=
               std::string::npos);

    auto md = nova_metadata(json::parse(R"({"a-b_c:d. e": "v"})"), "metadata");
    BOOST_TEST(md.at("a-b_c:d. e") == "v");
    BOOST_TEST(refusal([] { nova_metadata(json::parse(R"({"a/b": "v"})"), "metadata"); }) ==
               "Invalid input for field/attribute metadata. Value: {'a/b': 'v'}. Additional "
               "properties are not "
               "allowed ('a/b' was unexpected)");
    BOOST_TEST(nova_metadata(json::parse(R"({"a/b": "v"})"), "metadata", "-_:. /").size() == 1u); // Cinder's
    BOOST_TEST(refusal([] { nova_metadata(json::parse(R"({"k": 1})"), "metadata"); }) ==
               "Invalid input for field/attribute k. Value: 1. 1 is not of type 'string'");
    BOOST_TEST(refusal([] { nova_metadata(json::parse(R"({"": "v"})"), "metadata"); }) != "");
    BOOST_TEST(refusal([] { nova_metadata(json::array(), "metadata"); }) ==
               "Invalid input for field/attribute metadata. Value: []. [] is not of type 'object'");

    only_properties(json::parse(R"({"name": "a"})"), "group", {"name", "description"});
    only_properties(json::object(), "group", {"name"});
    BOOST_TEST(refusal([] { only_properties(json::parse(R"({"name": "a", "zone": 1})"), "group", {"name"}); }) ==
               "Invalid input for field/attribute group. Value: {'name': 'a', 'zone': 1}. Additional properties are "
               "not allowed ('zone' was unexpected)");
}

BOOST_AUTO_TEST_CASE(schema_integers_as_nova_quotas_take_them)
{
    BOOST_TEST(schema_integer(json(10), "instances", -1, kMaxInt) == 10);
    BOOST_TEST(schema_integer(json("12"), "instances", -1, kMaxInt) == 12);
    BOOST_TEST(schema_integer(json("-1"), "instances", -1, kMaxInt) == -1);
    BOOST_TEST(schema_integer(json(-1), "instances", -1, kMaxInt) == -1);
    BOOST_TEST(refusal([] { schema_integer(json("abc"), "instances", -1, kMaxInt); }) ==
               "Invalid input for field/attribute instances. Value: abc. 'abc' does not match "
               "'^-?[0-9]+$'");
    BOOST_TEST(refusal([] { schema_integer(json("12abc"), "instances", -1, kMaxInt); }) ==
               "Invalid input for field/attribute instances. Value: 12abc. '12abc' does not match "
               "'^-?[0-9]+$'");
    BOOST_TEST(refusal([] { schema_integer(json("1e3"), "instances", -1, kMaxInt); }) ==
               "Invalid input for field/attribute instances. Value: 1e3. '1e3' does not match "
               "'^-?[0-9]+$'");
    BOOST_TEST(refusal([] { schema_integer(json(""), "instances", -1, kMaxInt); }) != "");
    BOOST_TEST(refusal([] { schema_integer(json(" 5"), "instances", -1, kMaxInt); }) != "");
    BOOST_TEST(refusal([] { schema_integer(json(true), "instances", -1, kMaxInt); }) ==
               "Invalid input for field/attribute instances. Value: True. True is not of type "
               "'integer', 'string'");
    BOOST_TEST(refusal([] { schema_integer(json(nullptr), "instances", -1, kMaxInt); }) ==
               "Invalid input for field/attribute instances. Value: None. None is not of type "
               "'integer', 'string'");
    BOOST_TEST(refusal([] { schema_integer(json::array(), "instances", -1, kMaxInt); }) ==
               "Invalid input for field/attribute instances. Value: []. [] is not of type "
               "'integer', 'string'");
    BOOST_TEST(refusal([] { schema_integer(json(3.7), "instances", -1, kMaxInt); }) ==
               "Invalid input for field/attribute instances. Value: 3.7. 3.7 is not of type "
               "'integer', 'string'");
    BOOST_TEST(refusal([] { schema_integer(json(-2), "instances", -1, kMaxInt); }) ==
               "Invalid input for field/attribute instances. Value: -2. -2 is less than the "
               "minimum of -1");
    BOOST_TEST(refusal([] { schema_integer(json("-2"), "instances", -1, kMaxInt); }) ==
               "Invalid input for field/attribute instances. Value: -2. -2 is less than the "
               "minimum of -1");
    BOOST_TEST(refusal([] { schema_integer(json(2147483648LL), "instances", -1, kMaxInt); }) ==
               "Invalid input for field/attribute instances. Value: 2147483648. 2147483648 is "
               "greater than the "
               "maximum of 2147483647");
    BOOST_TEST(refusal([] {
                   schema_integer(json("99999999999999999999999"), "ram", -1, kMaxInt);
               }).find("greater than the maximum") != std::string::npos);
    BOOST_TEST(refusal([] {
                   schema_integer(json(18446744073709551615ULL), "ram", -1, kMaxInt);
               }).find("greater than the maximum") != std::string::npos);
    // Without a negative minimum the pattern has no sign.
    BOOST_TEST(refusal([] { schema_integer(json("-1"), "min_count", 1, kMaxInt); }) ==
               "Invalid input for field/attribute min_count. Value: -1. '-1' does not match '^[0-9]+$'");
    BOOST_TEST(refusal([] { schema_integer(json(0), "min_count", 1, kMaxInt); }) ==
               "Invalid input for field/attribute min_count. Value: 0. 0 is less than the minimum of 1");
}

BOOST_AUTO_TEST_CASE(python_int_and_cinder_integers)
{
    BOOST_TEST(*python_int(json(" 12 "), false) == 12);
    BOOST_TEST(*python_int(json("+7"), false) == 7);
    BOOST_TEST(*python_int(json("1_000"), false) == 1000);
    BOOST_TEST(*python_int(json(true), false) == 1);
    BOOST_TEST(*python_int(json(3.7), false) == 3);
    BOOST_TEST(*python_int(json(-3.7), false) == -3);
    for (const char* bad : {"abc", "12abc", "1e3", "", " ", "-", "1__0", "_1", "1_", "0x10", "3.0"})
        BOOST_TEST(!python_int(json(bad), false), bad);
    BOOST_TEST(!python_int(json(nullptr), false));
    BOOST_TEST(!python_int(json::array(), false));
    BOOST_TEST(!python_int(json("99999999999999999999"), false));
    // int(str(value)): "True" and "3.7" are no integers.
    BOOST_TEST(!python_int(json(true), true));
    BOOST_TEST(!python_int(json(3.7), true));
    BOOST_TEST(*python_int(json(-1), true) == -1);

    BOOST_TEST(cinder_integer(json("10"), "volumes", -1, kMaxInt) == 10);
    BOOST_TEST(refusal([] { cinder_integer(json("abc"), "volumes", -1, kMaxInt); }) == "volumes must be an integer");
    BOOST_TEST(refusal([] { cinder_integer(json(true), "volumes", -1, kMaxInt); }) == "volumes must be an integer");
    BOOST_TEST(refusal([] { cinder_integer(json(3.7), "volumes", -1, kMaxInt); }) == "volumes must be an integer");
    BOOST_TEST(refusal([] { cinder_integer(json(nullptr), "volumes", -1, kMaxInt); }) == "volumes must be an integer");
    BOOST_TEST(refusal([] { cinder_integer(json(-2), "volumes", -1, kMaxInt); }) == "volumes must be >= -1");
    BOOST_TEST(refusal([] { cinder_integer(json(2147483648LL), "volumes", -1, kMaxInt); }) ==
               "volumes must be <= 2147483647");
}

BOOST_AUTO_TEST_CASE(booleans)
{
    BOOST_TEST(schema_boolean(json(true), "force"));
    BOOST_TEST(!schema_boolean(json("False"), "force"));
    BOOST_TEST(refusal([] { schema_boolean(json(1), "force"); }) ==
               "Invalid input for field/attribute force. Value: 1. 1 is not of type 'boolean', 'string'");
    BOOST_TEST(refusal([] { schema_boolean(json("maybe"), "force"); }) != "");
}

BOOST_AUTO_TEST_SUITE_END()
