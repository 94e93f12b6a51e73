#pragma once

// A small std::expected stand-in (GCC 12 has no <expected>): a value or an error.

#include <utility>
#include <variant>

namespace dspy {

template <typename E> struct Unexpected
{
    E error;
};
template <typename E> Unexpected<std::decay_t<E>> unexpected(E&& e)
{
    return {std::forward<E>(e)};
}

template <typename T, typename E> class Expected
{
public:
    Expected(T value)
        : m_v(std::in_place_index<0>, std::move(value))
    {}
    template <typename E2>
    Expected(Unexpected<E2> u)
        : m_v(std::in_place_index<1>, std::move(u.error))
    {}

    bool hasValue() const { return m_v.index() == 0; }
    explicit operator bool() const { return hasValue(); }
    T& value() & { return std::get<0>(m_v); }
    const T& value() const& { return std::get<0>(m_v); }
    T&& value() && { return std::get<0>(std::move(m_v)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    const E& error() const { return std::get<1>(m_v); }

private:
    std::variant<T, E> m_v;
};

// Expected<void, E>
template <typename E> class Expected<void, E>
{
public:
    Expected() = default;
    template <typename E2>
    Expected(Unexpected<E2> u)
        : m_error(std::move(u.error))
        , m_ok(false)
    {}
    bool hasValue() const { return m_ok; }
    explicit operator bool() const { return m_ok; }
    const E& error() const { return m_error; }

private:
    E m_error{};
    bool m_ok = true;
};

} // namespace dspy
