# XENC_SANITIZE=ON instruments everything (tests included) with ASan+UBSan.
# XENC_TSAN=ON instruments it with ThreadSanitizer instead (a build of its
# own: TSan cannot be combined with ASan).
option(XENC_TSAN "Build with ThreadSanitizer" OFF)
if(XENC_SANITIZE AND XENC_TSAN)
  message(FATAL_ERROR "XENC_SANITIZE and XENC_TSAN exclude each other: use one build directory for each")
endif()
if(XENC_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
if(XENC_TSAN)
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
endif()
