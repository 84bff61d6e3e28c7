# Warnings as errors everywhere; sanitizers for the asan preset.
add_library(litellm_options INTERFACE)
target_compile_options(litellm_options INTERFACE -Wall -Wextra -Werror -Wno-missing-field-initializers)
target_include_directories(litellm_options INTERFACE
  ${PROJECT_SOURCE_DIR}/include ${CMAKE_BINARY_DIR}/generated)
# One single-threaded io_context per worker: Asio may drop its internal locking.
target_compile_definitions(litellm_options INTERFACE
  BOOST_ASIO_NO_DEPRECATED BOOST_BEAST_USE_STD_STRING_VIEW SPDLOG_FMT_EXTERNAL)
if(LITELLM_ASAN)
  target_compile_options(litellm_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
    -fno-sanitize-recover=undefined)
  target_link_options(litellm_options INTERFACE -fsanitize=address,undefined)
endif()
