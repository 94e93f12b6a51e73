#include "modules/tool.h"

#include "lm/httppool.h"
#include "runtime/callbacks.h"
#include "runtime/jsfunction.h"
#include "runtime/runcontext.h"

#include <QRegularExpression>

#include <cmath>

namespace dspy {

ToolError::ToolError(QString type, QString message)
    : std::runtime_error((type + QStringLiteral(": ") + message).toStdString())
    , m_type(std::move(type))
    , m_message(std::move(message))
{}

QString ToolError::pythonLine() const
{
    return m_type + QStringLiteral(": ") + m_message;
}

struct Tool::Private
{
    QString name;
    QString desc;
    Object args;
    Kind kind = Kind::Native;
    Function function;            // Native
    std::optional<JsFunction> js; // JavaScript
    QUrl url;                     // Http
    HttpToolOptions http;
    int timeoutMs = 0;
};

namespace {

// --- a JSON schema subset, as the jsonschema package reports it (validate(instance, schema))

QString typeRepr(const Value& type)
{
    return type.toPythonRepr();
}

bool isOfType(const Value& v, const QString& type)
{
    if (type == u"string")
        return v.isString();
    if (type == u"integer")
        return v.isInt() || (v.isFloat() && std::isfinite(v.toDouble()) &&
                             v.toDouble() == std::trunc(v.toDouble()));
    if (type == u"number")
        return v.isNumber();
    if (type == u"boolean")
        return v.isBool();
    if (type == u"array")
        return v.isArray();
    if (type == u"object")
        return v.isObject();
    if (type == u"null")
        return v.isNull();
    return true; // unknown type names are not checked
}

// The first violation's message, or empty.
QString violation(const Value& v, const Object& schema, int depth = 0)
{
    if (depth > 32)
        return {};
    const Value& type = schema.value(u"type");
    if (type.isString() && !isOfType(v, type.toString()))
        return QStringLiteral("%1 is not of type %2").arg(v.toPythonRepr(), typeRepr(type));
    if (type.isArray()) {
        bool any = false;
        QStringList names;
        for (const Value& t : type.toArray()) {
            any |= t.isString() && isOfType(v, t.toString());
            names.append(t.toPythonRepr());
        }
        if (!any)
            return QStringLiteral("%1 is not of type %2")
                .arg(v.toPythonRepr(), names.join(QStringLiteral(", ")));
    }
    if (schema.contains(u"enum") && schema.value(u"enum").isArray()) {
        if (!schema.value(u"enum").toArray().contains(v))
            return QStringLiteral("%1 is not one of %2")
                .arg(v.toPythonRepr(), schema.value(u"enum").toPythonRepr());
    }
    if (schema.value(u"anyOf").isArray()) {
        bool any = false;
        for (const Value& s : schema.value(u"anyOf").toArray())
            any |= s.isObject() && violation(v, s.toObject(), depth + 1).isEmpty();
        if (!any)
            return QStringLiteral("%1 is not valid under any of the given schemas")
                .arg(v.toPythonRepr());
    }
    if (v.isArray() && schema.value(u"items").isObject()) {
        for (const Value& item : v.toArray()) {
            const QString e = violation(item, schema.value(u"items").toObject(), depth + 1);
            if (!e.isEmpty())
                return e;
        }
    }
    if (v.isObject()) {
        const Object& o = v.toObject();
        if (schema.value(u"required").isArray()) {
            for (const Value& r : schema.value(u"required").toArray()) {
                if (r.isString() && !o.contains(r.toString()))
                    return QStringLiteral("%1 is a required property").arg(r.toPythonRepr());
            }
        }
        const Object& props = schema.value(u"properties").toObject();
        const Value& additional = schema.value(u"additionalProperties");
        for (const auto& [k, item] : o) {
            if (props.contains(k)) {
                if (props.value(k).isObject()) {
                    const QString e = violation(item, props.value(k).toObject(), depth + 1);
                    if (!e.isEmpty())
                        return e;
                }
            } else if (additional.isObject()) {
                const QString e = violation(item, additional.toObject(), depth + 1);
                if (!e.isEmpty())
                    return e;
            }
        }
    }
    return {};
}

QString pythonNameList(const QStringList& names)
{
    QStringList quoted;
    for (const QString& n : names)
        quoted.append(pythonStrRepr(n));
    if (quoted.size() == 1)
        return quoted.first();
    const QString last = quoted.takeLast();
    return quoted.join(QStringLiteral(", ")) +
           (quoted.size() > 1 ? QStringLiteral(", and ") : QStringLiteral(" and ")) + last;
}

bool isIdentifier(const QString& name)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z_$][A-Za-z0-9_$]*$"));
    return re.match(name).hasMatch();
}

QString excerpt(const QByteArray& body)
{
    QString text = QString::fromUtf8(body.left(200)).simplified();
    if (body.size() > 200)
        text += QStringLiteral("…");
    return text;
}

Value runHttp(const Tool::Private& d, const Object& args, RunContext* ctx)
{
    HttpRequest request;
    request.url = d.url;
    request.method = "POST";
    request.headers = d.http.headers;
    request.headers.append(
        std::make_pair(QByteArray("Content-Type"), QByteArray("application/json")));
    request.body = Value(args).toJson(JsonStyle{-1, false, false}).toUtf8();
    request.timeoutMs = d.timeoutMs;
    if (ctx)
        request.cancel = ctx->cancellation;
    RetryPolicy noRetry;
    noRetry.maxRetries = 0; // a tool call may have side effects: never repeated behind its back
    const HttpResponse response = HttpPool::shared().send(std::move(request), noRetry).result();
    const QString where = d.url.toString(QUrl::RemoveUserInfo | QUrl::RemoveQuery);
    if (response.cancelled)
        throw ToolError(QStringLiteral("CancelledError"),
                        QStringLiteral("the call to %1 was cancelled").arg(where));
    if (response.timedOut) {
        throw ToolError(
            QStringLiteral("TimeoutError"),
            QStringLiteral("no reply from %1 within %2 ms").arg(where).arg(d.timeoutMs));
    }
    if (response.transportError || response.status == 0) {
        throw ToolError(QStringLiteral("ConnectionError"),
                        QStringLiteral("%1: %2").arg(where, response.errorString));
    }
    if (!response.ok()) {
        throw ToolError(QStringLiteral("HTTPError"), QStringLiteral("%1 from %2: %3")
                                                         .arg(response.status)
                                                         .arg(where, excerpt(response.body)));
    }
    const QString text = QString::fromUtf8(response.body);
    if (auto parsed = Value::fromJson(text))
        return *parsed;
    return Value(text);
}

} // namespace

Tool::Tool(std::shared_ptr<const Private> d)
    : d(std::move(d))
{}

Tool::Tool(QString name, QString desc, Object args, Function function)
{
    auto p = std::make_shared<Private>();
    p->name = std::move(name);
    p->desc = std::move(desc);
    p->args = std::move(args);
    p->function = std::move(function);
    d = std::move(p);
}

Expected<Tool, QString> Tool::fromJavaScript(const QString& name, const QString& desc,
                                             const QString& source, const Object& args,
                                             const JsToolOptions& options)
{
    if (!isIdentifier(name))
        return unexpected(
            QStringLiteral("the tool name '%1' is not a JavaScript identifier").arg(name));
    JsFunctionSpec spec;
    spec.source = source;
    spec.fileName = options.fileName.isEmpty() ? name + QStringLiteral(".js") : options.fileName;
    spec.functionName = name;
    spec.functionSignature =
        name + QLatin1Char('(') + args.keys().join(QStringLiteral(", ")) + QLatin1Char(')');
    spec.what = QStringLiteral("the tool");
    spec.timeoutMs = options.timeoutMs;
    auto function = JsFunction::compile(std::move(spec));
    if (!function)
        return unexpected(function.error());
    auto p = std::make_shared<Private>();
    p->name = name;
    p->desc = desc;
    p->args = args;
    p->kind = Kind::JavaScript;
    p->js = std::move(function.value());
    p->timeoutMs = options.timeoutMs;
    return Tool(std::move(p));
}

Expected<Tool, QString> Tool::fromHttp(const QString& name, const QString& desc, const QUrl& url,
                                       const Object& args, const HttpToolOptions& options)
{
    if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https"))
        return unexpected(
            QStringLiteral("tool '%1': '%2' is not an http(s) URL").arg(name, url.toString()));
    if (options.timeoutMs <= 0)
        return unexpected(QStringLiteral("tool '%1': the time limit must be positive").arg(name));
    auto p = std::make_shared<Private>();
    p->name = name;
    p->desc = desc;
    p->args = args;
    p->kind = Kind::Http;
    p->url = url;
    p->http = options;
    p->timeoutMs = options.timeoutMs;
    return Tool(std::move(p));
}

const QString& Tool::name() const
{
    return d->name;
}
const QString& Tool::desc() const
{
    return d->desc;
}
const Object& Tool::args() const
{
    return d->args;
}
Tool::Kind Tool::kind() const
{
    return d->kind;
}
QString Tool::source() const
{
    return d->js ? d->js->spec().source : QString();
}
QUrl Tool::url() const
{
    return d->url;
}
int Tool::timeoutMs() const
{
    return d->timeoutMs;
}

QString Tool::toString() const
{
    QString desc = QStringLiteral(".");
    if (!d->desc.isEmpty()) {
        desc = QStringLiteral(", whose description is <desc>%1</desc>.").arg(d->desc);
        desc.replace(u'\n', QStringLiteral("  "));
    }
    return d->name + desc + QStringLiteral(" It takes arguments ") + Value(d->args).toPythonRepr() +
           QLatin1Char('.');
}

QString Tool::repr() const
{
    return QStringLiteral("Tool(name=%1, desc=%2, args=%3)")
        .arg(d->name, d->desc, Value(d->args).toPythonRepr());
}

Object Tool::validateArgs(const Object& args) const
{
    for (const auto& [k, v] : args) {
        if (!d->args.contains(k))
            throw ToolError(QStringLiteral("ValueError"),
                            QStringLiteral("Arg %1 is not in the tool's args.").arg(k));
        const Value& schema = d->args.value(k);
        // DSPy validates only schemas that name a type.
        if (!schema.isObject() || !schema.toObject().contains(u"type") ||
            schema.toObject().value(u"type") == Value("Any"))
            continue;
        const QString e = violation(v, schema.toObject());
        if (!e.isEmpty())
            throw ToolError(QStringLiteral("ValueError"),
                            QStringLiteral("Arg %1 is invalid: %2").arg(k, e));
    }
    // Bind like a Python call: schema order, defaults for what is missing.
    Object bound;
    QStringList missing;
    for (const auto& [k, schema] : d->args) {
        if (args.contains(k)) {
            Value v = args.value(k);
            // pydantic turns an integral float into the int an `int` parameter expects.
            if (v.isFloat() && schema.toObject().value(u"type") == Value("integer"))
                v = Value(qint64(v.toDouble()));
            bound.insert(k, std::move(v));
        } else if (schema.isObject() && schema.toObject().contains(u"default")) {
            bound.insert(k, schema.toObject().value(u"default"));
        } else {
            missing.append(k);
        }
    }
    if (!missing.isEmpty()) {
        throw ToolError(QStringLiteral("TypeError"),
                        QStringLiteral("%1() missing %2 required positional argument%3: %4")
                            .arg(d->name)
                            .arg(missing.size())
                            .arg(missing.size() == 1 ? QString() : QStringLiteral("s"),
                                 pythonNameList(missing)));
    }
    return bound;
}

namespace {

Value invoke(const Tool::Private& d, const Object& bound, RunContext* ctx)
{
    switch (d.kind) {
    case Tool::Kind::Native:
        try {
            return d.function(bound);
        } catch (const ToolError&) {
            throw;
        } catch (const std::exception& e) {
            throw ToolError(QStringLiteral("RuntimeError"), QString::fromUtf8(e.what()));
        }
    case Tool::Kind::JavaScript: {
        QList<Value> positional;
        positional.reserve(bound.size());
        for (const auto& [k, v] : bound)
            positional.append(v);
        try {
            return d.js->call(positional);
        } catch (const JsError& e) {
            throw ToolError(e.timedOut() ? QStringLiteral("TimeoutError")
                                         : QStringLiteral("JavaScriptError"),
                            e.message());
        }
    }
    case Tool::Kind::Http:
        return runHttp(d, bound, ctx);
    }
    return Value();
}

Value callTool(const Tool& tool, const Tool::Private& d, const Object& args, RunContext* ctx)
{
    CallbackScope scope(CallbackHook::Tool,
                        CallbackRegistry::active({ctx ? ctx->callbacks.get() : nullptr}));
    if (scope.isActive())
        scope.start(QStringLiteral("Tool(%1)").arg(d.name), args,
                    ctx ? ctx->parentCallId : QString());
    try {
        Value result = invoke(d, tool.validateArgs(args), ctx);
        scope.end(result);
        return result;
    } catch (const ToolError& e) {
        scope.end(Value(), e.pythonLine());
        throw;
    } catch (const std::exception& e) {
        scope.end(Value(), QString::fromUtf8(e.what()));
        throw;
    }
}

} // namespace

Value Tool::operator()(const Object& args, RunContext& ctx) const
{
    ctx.throwIfCancelled();
    return callTool(*this, *d, args, &ctx);
}

Value Tool::operator()(const Object& args) const
{
    return callTool(*this, *d, args, nullptr);
}

} // namespace dspy
