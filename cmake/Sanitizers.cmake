# XENC_SANITIZE=ON instruments everything (tests included) with ASan+UBSan.
if(XENC_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
