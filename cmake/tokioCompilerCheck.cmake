# Warns when the C++ compiler is GCC older than 13, which miscompiles two coroutine patterns
# that tokio-cpp code meets often. Included by the project itself and by the installed package
# config, so that projects using tokio-cpp see it too. Set TOKIO_SILENCE_GCC12_WARNING to ON to
# silence it once the code base follows the safe forms.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13
   AND NOT TOKIO_SILENCE_GCC12_WARNING)
  message(WARNING
    "tokio-cpp: GCC ${CMAKE_CXX_COMPILER_VERSION} has two coroutine code-generation bugs "
    "(fixed in GCC 13; Clang is not affected):\n"
    "  1. A lambda that captures by value, written inside a co_await expression, is destroyed "
    "twice. Unsafe: co_await tokio::task::spawn_blocking([p] { ... }); "
    "safe: auto h = tokio::task::spawn_blocking([p] { ... }); co_await h; "
    "or pass the state as an argument: "
    "co_await tokio::task::spawn_blocking([](auto p) { ... }, p);\n"
    "  2. while (co_await x) can be miscompiled. Safe: while (auto v = co_await x) { ... } or "
    "for (;;) { auto v = co_await x; if (!v) break; ... }\n"
    "See \"GCC 12 coroutine pitfalls\" in tokio-cpp's README. "
    "Set TOKIO_SILENCE_GCC12_WARNING=ON to hide this message.")
endif()
