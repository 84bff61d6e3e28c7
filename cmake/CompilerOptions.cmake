# Warnings as errors everywhere; sanitizers for the asan preset.
add_library(litellm_options INTERFACE)
target_compile_options(litellm_options INTERFACE -Wall -Wextra -Werror -Wno-missing-field-initializers)
# GCC 12 reports false -Wrestrict positives inside libstdc++ string code at -O3 (GCC bug 105329).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # and false -Wmismatched-new-delete on Asio coroutine frames (aligned_new vs sized delete).
  target_compile_options(litellm_options INTERFACE -Wno-restrict -Wno-mismatched-new-delete)
endif()
target_include_directories(litellm_options INTERFACE
  ${PROJECT_SOURCE_DIR}/include ${CMAKE_BINARY_DIR}/generated)
# One single-threaded io_context per worker: Asio may drop its internal locking.
target_compile_definitions(litellm_options INTERFACE
  BOOST_ASIO_NO_DEPRECATED SPDLOG_FMT_EXTERNAL)
if(LITELLM_ASAN)
  target_compile_options(litellm_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
    -fno-sanitize-recover=undefined)
  target_link_options(litellm_options INTERFACE -fsanitize=address,undefined)
endif()
