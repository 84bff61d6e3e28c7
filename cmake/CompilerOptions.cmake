# Warnings as errors everywhere; sanitizers for the asan preset.
add_library(litellm_options INTERFACE)
target_compile_options(litellm_options INTERFACE -Wall -Wextra -Werror -Wno-missing-field-initializers)
# GCC 12 reports false -Wrestrict positives inside libstdc++ string code at -O3 (GCC bug 105329).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # and false -Wmismatched-new-delete on Asio coroutine frames (operator new vs sized delete).
  target_compile_options(litellm_options INTERFACE -Wno-restrict -Wno-mismatched-new-delete)
endif()
target_include_directories(litellm_options INTERFACE
  ${PROJECT_SOURCE_DIR}/include ${CMAKE_BINARY_DIR}/generated)
# Asio allocates coroutine frames and operations through aligned_alloc when the library has it; with
# mimalloc that is its slow aligned path (about 190 instructions against 36 for operator new, ten
# frames per proxied request). Nothing Asio allocates for us is over-aligned (frames and handlers
# need 16 bytes, what operator new guarantees), so the two switches below make it use operator new.
target_compile_definitions(litellm_options INTERFACE
  BOOST_ASIO_NO_DEPRECATED SPDLOG_FMT_EXTERNAL
  BOOST_ASIO_DISABLE_STD_ALIGNED_ALLOC BOOST_ASIO_DISABLE_BOOST_ALIGN)
if(LITELLM_ASAN)
  target_compile_options(litellm_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
    -fno-sanitize-recover=undefined)
  target_link_options(litellm_options INTERFACE -fsanitize=address,undefined)
endif()
# Profile-guided optimization (scripts/build.sh release runs both steps): "generate" builds the
# instrumented binaries that bench/pgo_train.py runs, "use" builds with the profile they wrote. Profile
# files are named relative to the build directory, so the two steps can use different directories.
set(LITELLM_PGO "" CACHE STRING "Profile-guided optimization step: generate, use, or empty for none")
set(LITELLM_PGO_DIR "${PROJECT_SOURCE_DIR}/build/pgo-profile" CACHE PATH "Where the profile is written and read")
if(LITELLM_PGO STREQUAL "generate")
  target_compile_options(litellm_options INTERFACE -fprofile-generate=${LITELLM_PGO_DIR}
    -fprofile-prefix-path=${CMAKE_BINARY_DIR} -fprofile-update=single)
  target_link_options(litellm_options INTERFACE -fprofile-generate=${LITELLM_PGO_DIR})
elseif(LITELLM_PGO STREQUAL "use")
  if(NOT IS_DIRECTORY ${LITELLM_PGO_DIR})
    message(FATAL_ERROR "LITELLM_PGO=use: no profile in ${LITELLM_PGO_DIR} (scripts/build.sh release makes one)")
  endif()
  # Code the training did not run stays optimized as without a profile (partial training); a source
  # changed since the profile was taken only loses its profile, it does not fail the build.
  target_compile_options(litellm_options INTERFACE -fprofile-use=${LITELLM_PGO_DIR}
    -fprofile-prefix-path=${CMAKE_BINARY_DIR} -fprofile-partial-training -Wno-missing-profile
    -Wno-error=coverage-mismatch)
elseif(NOT LITELLM_PGO STREQUAL "")
  message(FATAL_ERROR "LITELLM_PGO must be generate, use or empty, not '${LITELLM_PGO}'")
endif()
