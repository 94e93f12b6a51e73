// repairJson against json_repair's own expectations (as json.dumps text) and the LM-output cases
// DSPy depends on; pythonLiteral against ast.literal_eval.

#include "adapters/jsonrepair.h"

#include <QTest>

using namespace dspy;

namespace {

QString dumps(const Value& v)
{
    JsonStyle style;
    style.ensureAscii = false;
    return v.toJson(style);
}

// moc mis-tokenises raw strings that contain \", so it does not read the tables.
#ifndef Q_MOC_RUN

void repairRows()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected"); // json.dumps of the result

    // valid JSON passes through the strict reader untouched
    QTest::newRow("valid-object") << R"({"name": "John", "age": 30, "city": "New York"})"
                                  << R"({"name": "John", "age": 30, "city": "New York"})";
    QTest::newRow("valid-number") << "42"
                                  << "42";
    QTest::newRow("valid-float") << "3.0"
                                 << "3.0";
    QTest::newRow("valid-true") << "true"
                                << "true";
    QTest::newRow("valid-null") << "null"
                                << "null";
    QTest::newRow("valid-string") << R"("hi")"
                                  << R"("hi")";
    QTest::newRow("valid-padded") << "  [1, 2]  \n"
                                  << "[1, 2]";
    QTest::newRow("valid-colon-in-string") << R"({"key": "value:value"})"
                                           << R"({"key": "value:value"})";

    // plain text and other unusable input: the empty string
    QTest::newRow("empty") << ""
                           << R"("")";
    QTest::newRow("space") << " "
                           << R"("")";
    QTest::newRow("newline") << "\n"
                             << R"("")";
    QTest::newRow("lone-quote") << "\""
                                << R"("")";
    QTest::newRow("word") << "string"
                          << R"("")";
    QTest::newRow("sentence") << "The answer is Paris."
                              << R"("")";
    QTest::newRow("python-True") << "True"
                                 << R"("")";
    QTest::newRow("python-False") << "False"
                                  << R"("")";
    QTest::newRow("python-None") << "None"
                                 << R"("")";
    QTest::newRow("Null") << "Null"
                          << R"("")";
    QTest::newRow("close-brace") << "}"
                                 << R"("")";
    QTest::newRow("close-bracket") << "]"
                                   << R"("")";
    QTest::newRow("bare-number-with-prose") << "about 42 items"
                                            << R"("")";

    // objects
    QTest::newRow("open-brace") << "{"
                                << "{}";
    QTest::newRow("brace-quote") << "{\""
                                 << "{}";
    QTest::newRow("padded-empty") << "   {  }   "
                                  << "{}";
    QTest::newRow("python-booleans") << R"({ "key": "value", "key2": 1, "key3": True })"
                                     << R"({"key": "value", "key2": 1, "key3": true})";
    QTest::newRow("unquoted-value-missing-comma") << R"({ "key": value, "key2": 1 "key3": null })"
                                                  << R"({"key": "value", "key2": 1, "key3": null})";
    QTest::newRow("empty-array-value") << "{foo: [}"
                                       << R"({"foo": []})";
    QTest::newRow("empty-key") << R"({"": "value")"
                               << R"({"": "value"})";
    QTest::newRow("inner-quote") << R"({"key": "v"alue"})"
                                 << R"({"key": "v\"alue\""})";
    QTest::newRow("comment-word") << R"({"value_1": true, COMMENT "value_2": "data"})"
                                  << R"({"value_1": true, "value_2": "data"})";
    QTest::newRow("garbage-words")
        << R"({"value_1": true, SHOULD_NOT_EXIST "value_2": "data" AAAA })"
        << R"({"value_1": true, "value_2": "data"})";
    QTest::newRow("empty-key-space") << R"({"" : true, "key2": "value2"})"
                                     << R"({"": true, "key2": "value2"})";
    QTest::newRow("missing-left-quotes")
        << R"({ "words": abcdef", "numbers": 12345", "words2": ghijkl" })"
        << R"({"words": "abcdef", "numbers": 12345, "words2": "ghijkl"})";
    QTest::newRow("missing-comma-between-strings")
        << R"({"number": 1,"reason": "According...""ans": "YES"})"
        << R"({"number": 1, "reason": "According...", "ans": "YES"})";
    QTest::newRow("brace-inside-string") << R"({ "a" : "{ b": {} }" })"
                                         << R"({"a": "{ b"})";
    QTest::newRow("stray-literal-after-value") << R"({"b": "xxxxx" true})"
                                               << R"({"b": "xxxxx"})";
    QTest::newRow("quoted-word-inside") << R"({"key": "Lorem "ipsum" s,"})"
                                        << R"({"key": "Lorem \"ipsum\" s,"})";
    QTest::newRow("unquoted-with-commas") << R"({"lorem": ipsum, sic, datum.",})"
                                          << R"({"lorem": "ipsum, sic, datum."})";
    QTest::newRow("unclosed-string-at-end") << R"({"lorem_ipsum": "sic tamet, quick brown fox. })"
                                            << R"({"lorem_ipsum": "sic tamet, quick brown fox."})";
    QTest::newRow("key-with-space") << R"({"key":value, " key2":"value2" })"
                                    << R"({"key": "value", " key2": "value2"})";
    QTest::newRow("missing-comma-unquoted") << R"({"key":value "key2":"value2" })"
                                            << R"({"key": "value", "key2": "value2"})";
    QTest::newRow("single-quotes-braces") << "{'text': 'words{words in brackets}more words'}"
                                          << R"({"text": "words{words in brackets}more words"})";
    QTest::newRow("unquoted-braces") << "{text:words{words in brackets}}"
                                     << R"({"text": "words{words in brackets}"})";
    QTest::newRow("fence-after-unclosed") << R"({"key": "value, value2"```)"
                                          << R"({"key": "value, value2"})";
    QTest::newRow("fence-after-brace") << R"({"key": "value}```)"
                                       << R"({"key": "value"})";
    QTest::newRow("unquoted-keys-values") << "{key:value,key2:value2}"
                                          << R"({"key": "value", "key2": "value2"})";
    QTest::newRow("key-missing-right-quote") << R"({"key:"value"})"
                                             << R"({"key": "value"})";
    QTest::newRow("key-value-no-quotes") << R"({"key:value})"
                                         << R"({"key": "value"})";
    QTest::newRow("array-continuation")
        << R"({ "key": ["arrayvalue"], ["arrayvalue1"], ["arrayvalue2"], "key3": "value3" })"
        << R"({"key": ["arrayvalue", "arrayvalue1", "arrayvalue2"], "key3": "value3"})";
    QTest::newRow("array-continuation-nested")
        << R"({ "key": [[1, 2, 3], "a", "b"], [[4, 5, 6], [7, 8, 9]] })"
        << R"({"key": [[1, 2, 3], "a", "b", [4, 5, 6], [7, 8, 9]]})";
    QTest::newRow("missing-value") << R"({"key": , "key2": "value2"})"
                                   << R"({"key": "", "key2": "value2"})";
    QTest::newRow("duplicate-key-in-array-splits") << R"([{'b': 1, 'b': 2}])"
                                                   << R"([{"b": 1}, {"b": 2}])";
    QTest::newRow("mixed-quotes")
        << R"({'key': 'string', 'key2': false, "key3": null, "key4": unquoted})"
        << R"({"key": "string", "key2": false, "key3": null, "key4": "unquoted"})";
    QTest::newRow("unclosed-string") << R"({"name": "John", "age": 30, "city": "New York)"
                                     << R"({"name": "John", "age": 30, "city": "New York"})";
    QTest::newRow("unquoted-key") << R"({"name": "John", "age": 30, city: "New York"})"
                                  << R"({"name": "John", "age": 30, "city": "New York"})";
    QTest::newRow("unquoted-multiword-value")
        << R"({"name": "John", "age": 30, "city": New York})"
        << R"({"name": "John", "age": 30, "city": "New York"})";
    QTest::newRow("unquoted-first-value") << R"({"name": John, "age": 30, "city": "New York"})"
                                          << R"({"name": "John", "age": 30, "city": "New York"})";
    QTest::newRow("curly-quotes") << "{\u201cslanted_delimiter\u201d: \"value\"}"
                                  << R"({"slanted_delimiter": "value"})";
    QTest::newRow("missing-closing-quote-before-key")
        << R"({"name": "John", "age": 30, "city": "New York, "gender": "male"})"
        << R"({"name": "John", "age": 30, "city": "New York", "gender": "male"})";
    QTest::newRow("doubled-quote") << R"({"key": ""value"})"
                                   << R"({"key": "value"})";
    QTest::newRow("numeric-key") << R"({"key": "value", 5: "value"})"
                                 << R"({"key": "value", "5": "value"})";
    QTest::newRow("escaped-quotes") << R"({"foo": "\"bar\"")"
                                    << R"({"foo": "\"bar\""})";
    QTest::newRow("trailing-comma-unquoted") << R"({"key": value , })"
                                             << R"({"key": "value"})";
    QTest::newRow("uppercase-literals") << R"({"key": TRUE, "key2": FALSE, "key3": Null}   )"
                                        << R"({"key": true, "key2": false, "key3": null})";
    QTest::newRow("python-None-value") << R"({"key": None})"
                                       << R"({"key": "None"})";
    QTest::newRow("escape-sequences") << "{\"key\": 'string\"\n\t\\le'"
                                      << R"({"key": "string\"\n\t\\le"})";
    QTest::newRow("escaped-single-quote") << R"({"key": "valu\'e"})"
                                          << R"({"key": "valu'e"})";
    QTest::newRow("unicode-escape") << R"({"key": '\u0076\u0061\u006c\u0075\u0065'})"
                                    << R"({"key": "value"})";
    QTest::newRow("markdown-link") << R"x({ "content": "[LINK]("https://google.com")" })x"
                                   << R"x({"content": "[LINK](\"https://google.com\")"})x";
    QTest::newRow("markdown-open") << R"({ "content": "[LINK](" })"
                                   << R"({"content": "[LINK]("})";

    // LM habits: trailing commas, comments, single quotes, duplicate keys
    QTest::newRow("trailing-comma-object") << R"({"a": 1, "b": 2,})"
                                           << R"({"a": 1, "b": 2})";
    QTest::newRow("trailing-comma-array") << "[1, 2, 3,]"
                                          << "[1, 2, 3]";
    QTest::newRow("single-quoted-object") << "{'answer': 'Paris', 'n': 3}"
                                          << R"({"answer": "Paris", "n": 3})";
    QTest::newRow("line-comment") << "{\"a\": 1, // the first\n\"b\": 2}"
                                  << R"({"a": 1, "b": 2})";
    QTest::newRow("hash-comment") << "{\"a\": 1, # note\n\"b\": 2}"
                                  << R"({"a": 1, "b": 2})";
    QTest::newRow("block-comment") << R"({/* one */ "a": 1})"
                                   << R"({"a": 1})";
    QTest::newRow("top-level-comment") << "// answer\n{\"a\": 1}"
                                       << R"({"a": 1})";
    QTest::newRow("duplicate-keys-last-wins") << R"({"a": 1, "b": 2, "a": 3})"
                                              << R"({"a": 3, "b": 2})";
    QTest::newRow("duplicate-keys-repaired") << R"({'a': 1, 'a': 2})"
                                             << R"({"a": 2})";
    QTest::newRow("missing-closers") << R"({"a": [1, 2, {"b": "c)"
                                     << R"({"a": [1, 2, {"b": "c"}]})";

    // arrays
    QTest::newRow("open-bracket") << "["
                                  << "[]";
    QTest::newRow("bracket-quote") << "[\""
                                   << "[]";
    QTest::newRow("nested-newlines") << "[[1\n\n]"
                                     << "[[1]]";
    QTest::newRow("unclosed-array") << "[1, 2, 3,"
                                    << "[1, 2, 3]";
    QTest::newRow("ellipsis") << "[1, 2, 3, ...]"
                              << "[1, 2, 3]";
    QTest::newRow("ellipsis-middle") << "[1, 2, ... , 3]"
                                     << "[1, 2, 3]";
    QTest::newRow("quoted-ellipsis") << "[1, 2, '...', 3]"
                                     << R"([1, 2, "...", 3])";
    QTest::newRow("literals-ellipsis") << "[true, false, null, ...]"
                                       << "[true, false, null]";
    QTest::newRow("missing-commas") << R"(["a" "b" "c" 1)"
                                    << R"(["a", "b", "c", 1])";
    QTest::newRow("unclosed-in-object") << R"({"employees":["John", "Anna",)"
                                        << R"({"employees": ["John", "Anna"]})";
    QTest::newRow("unclosed-string-in-array") << R"({"employees":["John", "Anna", "Peter)"
                                              << R"({"employees": ["John", "Anna", "Peter"]})";
    QTest::newRow("unclosed-nested") << R"({"key1": {"key2": [1, 2, 3)"
                                     << R"({"key1": {"key2": [1, 2, 3]}})";
    QTest::newRow("array-unclosed-string") << R"({"key": ["value]})"
                                           << R"({"key": ["value"]})";
    QTest::newRow("quoted-words-in-array") << R"(["lorem "ipsum" sic"])"
                                           << R"(["lorem \"ipsum\" sic"])";
    QTest::newRow("array-closed-by-brace-2")
        << R"({"key1": ["value1", "value2"}, "key2": ["value3", "value4"]})"
        << R"({"key1": ["value1", "value2"], "key2": ["value3", "value4"]})";
    QTest::newRow("array-no-commas") << R"({"key": ["value" "value1" "value2"]})"
                                     << R"({"key": ["value", "value1", "value2"]})";
    QTest::newRow("quote-in-key") << R"({"k"e"y": "value"})"
                                  << R"({"k\"e\"y": "value"})";
    QTest::newRow("object-missing-brace-in-array") << R"(["key":"value"}])"
                                                   << R"([{"key": "value"}])";
    QTest::newRow("array-missing-quote") << R"(["value1" value2", "value3"])"
                                         << R"(["value1", "value2", "value3"])";
    QTest::newRow("python-list") << "['a', 'b']"
                                 << R"(["a", "b"])";
    QTest::newRow("python-list-literals") << "[True, False, None]"
                                          << R"([true, false, "None"])";

    // numbers
    QTest::newRow("numbers-in-object") << R"({"a": -1.5e3, "b": .5, "c": 007})"
                                       << R"({"a": -1500.0, "b": 0.5, "c": 7})";
    QTest::newRow("number-with-comma") << R"({"price": 1,000})"
                                       << R"({"price": "1,000"})";
    QTest::newRow("fraction") << R"({"ratio": 1/2})"
                              << R"({"ratio": "1/2"})";
    QTest::newRow("number-then-word") << R"({"a": 3rd})"
                                      << R"({"a": "3rd"})";
    QTest::newRow("trailing-e") << R"({"a": 1e})"
                                << R"({"a": 1})";
    QTest::newRow("trailing-e-in-array") << "[1e]"
                                         << R"([1, "e"])";
    QTest::newRow("bad-float") << R"({"v": 1.2.3})"
                               << R"({"v": "1.2.3"})";

    // prose and code fences around the JSON
    QTest::newRow("prose-before") << R"(Here is the result: {"answer": 4})"
                                  << R"({"answer": 4})";
    QTest::newRow("prose-after") << R"({"answer": 4} Hope this helps!)"
                                 << R"({"answer": 4})";
    QTest::newRow("prose-both") << "Sure!\n{\"answer\": \"Paris\"}\nLet me know."
                                << R"({"answer": "Paris"})";
    QTest::newRow("before-object-word") << "stringbeforeobject {}"
                                        << "{}";
    QTest::newRow("fence-json") << "```json\n{\"answer\": \"Paris\"}\n```"
                                << R"({"answer": "Paris"})";
    QTest::newRow("fence-plain") << "```\n[1, 2]\n```"
                                 << "[1, 2]";
    QTest::newRow("four-backticks") << R"(````{ "key": "value" }```)"
                                    << R"({"key": "value"})";
    QTest::newRow("fence-after-object") << "{    \"a\": \"\",    \"b\": [ { \"c\": 1} ] \n}```"
                                        << R"({"a": "", "b": [{"c": 1}]})";
    QTest::newRow("fence-with-prose") << "Based on the information extracted, here is the filled "
                                         "JSON output: ```json { 'a': 'b' } ```"
                                      << R"({"a": "b"})";
    QTest::newRow("fence-inside-value")
        << R"({"key": "```json {"key": [{"key1": 1},{"key2": 2}]}```"})"
        << R"({"key": {"key": [{"key1": 1}, {"key2": 2}]}})";
    QTest::newRow("backticks-in-value") << R"({"key": "``")"
                                        << R"({"key": "``"})";

    // several top-level values
    QTest::newRow("two-objects-same-shape-last-wins") << R"({"a": 1} {"a": 2})"
                                                      << R"({"a": 2})";
    QTest::newRow("two-objects-comma") << R"({"answer": "x"}, {"answer": "y"})"
                                       << R"({"answer": "y"})";
    QTest::newRow("two-objects-different") << R"({"key":"value"}[1,2,3,True])"
                                           << R"([{"key": "value"}, [1, 2, 3, true]])";
    QTest::newRow("empty-then-object") << R"([]{"key":"value"})"
                                       << R"({"key": "value"})";
    QTest::newRow("empty-array-then-empty-object") << "[]{}"
                                                   << "[]";
    QTest::newRow("fenced-blocks")
        << R"(lorem ```json {"key":"value"} ``` ipsum ```json [1,2,3,True] ``` 42)"
        << R"([{"key": "value"}, [1, 2, 3, true]])";
    QTest::newRow("same-shape-arrays") << R"([{"key":"value"}][{"key":"value_after"}])"
                                       << R"([{"key": "value_after"}])";
}

void literalRows()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected"); // json.dumps of the literal

    QTest::newRow("int") << "42"
                         << "42";
    QTest::newRow("negative-int") << "-7"
                                  << "-7";
    QTest::newRow("plus-int") << "+7"
                              << "7";
    QTest::newRow("float") << "3.5"
                           << "3.5";
    QTest::newRow("float-exp") << "1e3"
                               << "1000.0";
    QTest::newRow("float-dot") << "5."
                               << "5.0";
    QTest::newRow("float-leading-dot") << "-.25"
                                       << "-0.25";
    QTest::newRow("underscores") << "1_000_000"
                                 << "1000000";
    QTest::newRow("hex") << "0xff"
                         << "255";
    QTest::newRow("octal") << "0o17"
                           << "15";
    QTest::newRow("binary") << "0b101"
                            << "5";
    QTest::newRow("zeros") << "000"
                           << "0";
    QTest::newRow("big-int") << "123456789012345678901234567890"
                             << "1.2345678901234568e+29";
    QTest::newRow("True") << "True"
                          << "true";
    QTest::newRow("False") << "False"
                           << "false";
    QTest::newRow("None") << "None"
                          << "null";
    QTest::newRow("single-quoted") << "'hello'"
                                   << R"("hello")";
    QTest::newRow("double-quoted") << "\"it's\""
                                   << R"("it's")";
    QTest::newRow("escapes") << R"('a\nb\tc\\d\'e')"
                             << R"("a\nb\tc\\d'e")";
    QTest::newRow("hex-escape") << R"('\x41\u00e9\U0001F600')"
                                << "\"A\u00e9\U0001F600\"";
    QTest::newRow("octal-escape") << R"('\101\0')"
                                  << R"("A\u0000")";
    QTest::newRow("unknown-escape") << R"('\d')"
                                    << R"("\\d")";
    QTest::newRow("raw-string") << R"(r'\n')"
                                << R"("\\n")";
    QTest::newRow("unicode-prefix") << "u'x'"
                                    << R"("x")";
    QTest::newRow("triple-quoted") << "'''a\n'b'\n'''"
                                   << R"("a\n'b'\n")";
    QTest::newRow("concatenation") << "'a' \"b\""
                                   << R"("ab")";
    QTest::newRow("unicode-text") << "'caf\u00e9 \u65e5\u672c'"
                                  << "\"caf\u00e9 \u65e5\u672c\"";
    QTest::newRow("list") << "['a', 'b']"
                          << R"(["a", "b"])";
    QTest::newRow("list-trailing-comma") << "[1, 2,]"
                                         << "[1, 2]";
    QTest::newRow("empty-list") << "[]"
                                << "[]";
    QTest::newRow("tuple") << "(1, 'x')"
                           << R"([1, "x"])";
    QTest::newRow("one-tuple") << "(1,)"
                               << "[1]";
    QTest::newRow("empty-tuple") << "()"
                                 << "[]";
    QTest::newRow("parenthesized") << "(1)"
                                   << "1";
    QTest::newRow("dict") << "{'a': 1, 'b': [True, None]}"
                          << R"({"a": 1, "b": [true, null]})";
    QTest::newRow("dict-trailing-comma") << "{'a': 1,}"
                                         << R"({"a": 1})";
    QTest::newRow("dict-int-keys") << "{1: 'x', 2.5: 'y', True: 'z', None: 'n'}"
                                   << R"({"1": "x", "2.5": "y", "true": "z", "null": "n"})";
    QTest::newRow("dict-duplicate") << "{'a': 1, 'b': 2, 'a': 3}"
                                    << R"({"a": 3, "b": 2})";
    QTest::newRow("empty-dict") << "{}"
                                << "{}";
    QTest::newRow("set") << "{1, 2, 2, 3}"
                         << "[1, 2, 3]";
    QTest::newRow("empty-set") << "set()"
                               << "[]";
    QTest::newRow("nested") << "[{'k': (1, [2, {'z': -3.5}])}, 'end']"
                            << R"([{"k": [1, [2, {"z": -3.5}]]}, "end"])";
    QTest::newRow("multiline-brackets") << "[\n  'a',\n  'b',\n]"
                                        << R"(["a", "b"])";
    QTest::newRow("comment-inside") << "[1, # one\n 2]"
                                    << "[1, 2]";
    QTest::newRow("surrounding-space") << "  [1]  \n"
                                       << "[1]";
    QTest::newRow("leading-blank-line") << "\n[1]"
                                        << "[1]";
    QTest::newRow("backslash-continuation") << "'a' \\\n'b'"
                                            << R"("ab")";
}

void notALiteralRows()
{
    QTest::addColumn<QString>("input");
    QTest::newRow("empty") << "";
    QTest::newRow("blank") << "   ";
    QTest::newRow("word") << "hello";
    QTest::newRow("sentence") << "The answer is 4";
    QTest::newRow("two-literals") << "1 2";
    QTest::newRow("two-lines") << "1\n2";
    QTest::newRow("lowercase-true") << "true";
    QTest::newRow("null") << "null";
    QTest::newRow("unclosed-list") << "[1, 2";
    QTest::newRow("unclosed-string") << "'abc";
    QTest::newRow("newline-in-string") << "'a\nb'";
    QTest::newRow("leading-zero") << "007";
    QTest::newRow("double-negative") << "--1";
    QTest::newRow("arithmetic") << "1 + 2";
    QTest::newRow("complex") << "2j";
    QTest::newRow("call") << "print(1)";
    QTest::newRow("name") << "x";
    QTest::newRow("bytes") << "b'x'";
    QTest::newRow("fstring") << "f'{x}'";
    QTest::newRow("dict-missing-colon") << "{'a': 1, 'b'}";
    QTest::newRow("list-key") << "{[1]: 2}";
    QTest::newRow("indented-after-newline") << "\n  1";
    QTest::newRow("double-comma") << "[1,,2]";
    QTest::newRow("lone-comma-tuple") << "(,)";
    QTest::newRow("truncated-hex") << R"('\x4')";
    QTest::newRow("trailing-garbage") << "[1] x";
    QTest::newRow("too-deep") << QString(300, u'[') + QString(300, u']');
}

#endif // Q_MOC_RUN

} // namespace

class TestJsonRepair : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void repair_data() { repairRows(); }
    void repair()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        QCOMPARE(dumps(repairJson(input)), expected);
    }

    void repairKeepsTypes()
    {
        const Value v = repairJson(u"{'i': 1, 'f': 1.0, 'b': true, 'n': null, 's': '1'}");
        QVERIFY(v.isObject());
        const Object& o = v.toObject();
        QCOMPARE(o.keys(), QStringList({"i", "f", "b", "n", "s"}));
        QVERIFY(o["i"].isInt());
        QVERIFY(o["f"].isFloat());
        QVERIFY(o["b"].isBool());
        QVERIFY(o["n"].isNull());
        QVERIFY(o["s"].isString());
    }

    void repairDuplicateKeyKeepsFirstPosition()
    {
        const Value v = repairJson(u"{'a': 1, 'b': 2, 'a': 3,}");
        QCOMPARE(v.toObject().keys(), QStringList({"a", "b"}));
        QCOMPARE(v.toObject()["a"], Value(3));
    }

    void repairDeepNestingDoesNotOverflow()
    {
        const QString deep = QString(100000, u'[');
        const Value v = repairJson(deep);
        QVERIFY(v.isArray());
        const QString deepObjects = QString(50000, u'{') + QString(50000, u'}');
        QVERIFY(repairJson(deepObjects).isObject());
    }

    void literal_data() { literalRows(); }
    void literal()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        const auto v = pythonLiteral(input);
        QVERIFY2(v.has_value(), qPrintable(input));
        QCOMPARE(dumps(*v), expected);
    }

    void literalTypes()
    {
        QVERIFY(pythonLiteral(u"1")->isInt());
        QVERIFY(pythonLiteral(u"1.0")->isFloat());
        QVERIFY(pythonLiteral(u"True")->isBool());
        QVERIFY(pythonLiteral(u"None")->isNull());
        QCOMPARE(pythonLiteral(u"-0x10")->toInt(), -16);
    }

    void notALiteral_data() { notALiteralRows(); }
    void notALiteral()
    {
        QFETCH(QString, input);
        const auto v = pythonLiteral(input);
        QVERIFY2(!v.has_value(), qPrintable(v ? dumps(*v) : QString()));
    }
};

QTEST_GUILESS_MAIN(TestJsonRepair)
#include "tst_jsonrepair.moc"
