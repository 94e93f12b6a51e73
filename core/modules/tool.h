#pragma once

// Tool — DSPy's dspy.Tool (dspy.md §3.2): a name, a description and, per argument, a JSON schema
// ({'city': {'type': 'string'}}; a "default" fills a missing argument). Three kinds:
//   * a C++ callable taking the arguments object and returning a Value (or throwing);
//   * a JavaScript function run in a sandboxed QJSEngine (no files, network, timers or console)
//     under a time limit (runtime/jsfunction.h); the arguments arrive as positional parameters in
//     the schema's order: Tool::fromJavaScript("add", "Adds.", "function add(a, b) { return a + b;
//     }",
//     {{"a", {{"type", "number"}}}, {"b", {{"type", "number"}}}});
//   * an HTTP tool: the arguments POSTed as a JSON object to a URL, the JSON reply (or the text of
//   a
//     non-JSON reply) is the result; a non-2xx status, a transport error or the time limit fail.
//
// Calling a tool (operator()) does what DSPy's Tool.__call__ does: unknown arguments are refused
// ("Arg x is not in the tool's args."), arguments whose schema has a "type" are validated against
// it ("Arg x is invalid: 'a' is not of type 'integer'"), then the tool runs between the
// on_tool_start / on_tool_end callbacks (parented to ctx.parentCallId). Failures throw ToolError,
// whose pythonLine() is the last line of the Python traceback DSPy would print
// ("ValueError: Arg x is not in the tool's args.").
//
// A Tool is an immutable, cheaply copied handle; copies share the callable.

#include "data/value.h"
#include "runtime/expected.h"

#include <QUrl>

#include <functional>
#include <memory>
#include <stdexcept>

namespace dspy {

class RunContext;

class ToolError : public std::runtime_error
{
public:
    // `type`: the Python exception class the failure corresponds to (ValueError, TypeError,
    // TimeoutError, ...); `message`: its text.
    ToolError(QString type, QString message);
    const QString& type() const { return m_type; }
    const QString& message() const { return m_message; }
    // "ValueError: Arg x is not in the tool's args."
    QString pythonLine() const;

private:
    QString m_type;
    QString m_message;
};

struct JsToolOptions
{
    int timeoutMs = 1000;
    QString fileName; // for error messages; empty: "<name>.js"
};

struct HttpToolOptions
{
    int timeoutMs = 30000;
    QList<std::pair<QByteArray, QByteArray>> headers; // sent with every request
};

class Tool
{
public:
    enum class Kind { Native, JavaScript, Http };
    using Function = std::function<Value(const Object& args)>;

    Tool(QString name, QString desc, Object args, Function function);

    // The source must define a global function called `name`. Fails (with the file and line) when
    // the script does not load or defines no such function, or when `name` is not an identifier.
    static Expected<Tool, QString> fromJavaScript(const QString& name, const QString& desc,
                                                  const QString& source, const Object& args,
                                                  const JsToolOptions& options = {});
    // Fails for a URL that is not http(s).
    static Expected<Tool, QString> fromHttp(const QString& name, const QString& desc,
                                            const QUrl& url, const Object& args,
                                            const HttpToolOptions& options = {});

    const QString& name() const;
    const QString& desc() const;
    const Object& args() const;
    Kind kind() const;
    // The JavaScript source (JavaScript tools) and the URL (HTTP tools); empty otherwise.
    QString source() const;
    QUrl url() const;
    int timeoutMs() const; // JavaScript and HTTP tools; 0 for native ones

    // str(tool): "get_weather, whose description is <desc>Get the weather.</desc>. It takes
    // arguments {'city': {'type': 'string'}}." (newlines in the description become two spaces;
    // no description: "get_weather. It takes arguments {}.")
    QString toString() const;
    // repr(tool): "Tool(name=get_weather, desc=Get the weather., args={'city': {...}})"
    QString repr() const;

    // Tool.__call__: validate, fill defaults, run, between the tool callbacks. Throws ToolError.
    Value operator()(const Object& args, RunContext& ctx) const;
    // Without a run: only the global callbacks fire.
    Value operator()(const Object& args) const;

    // The arguments after DSPy's checks, with schema defaults filled in; throws ToolError.
    Object validateArgs(const Object& args) const;

    struct Private;

private:
    explicit Tool(std::shared_ptr<const Private> d);
    std::shared_ptr<const Private> d;
};

} // namespace dspy
