#pragma once
// std::function alone. In C++17, libstdc++'s <functional> also brings the searchers
// (<unordered_map>, <bits/stl_algo.h>, <array>): about a fifth of what a file that includes one
// area header parses. The SDK's headers need only std::function; other standard libraries get
// <functional>. Include <functional> yourself for the rest of it.

#include <cstddef>  // defines __GLIBCXX__ with libstdc++
#if defined(__GLIBCXX__) && __has_include(<bits/std_function.h>)
#include <bits/std_function.h>
#else
#include <functional>
#endif
