# dspy_generate_signature(<target> NAME <StructName> SIGNATURE "<sig>" [INSTRUCTIONS "<text>"] OUTPUT <file.h>)
# Runs dspy-codegen at build time and adds the generated header's directory to <target>'s includes.
# Call it in the directory that defines <target> (custom command outputs are per directory).
function(dspy_generate_signature target)
  cmake_parse_arguments(ARG "" "NAME;SIGNATURE;INSTRUCTIONS;OUTPUT" "" ${ARGN})
  if(NOT ARG_NAME OR NOT ARG_SIGNATURE OR NOT ARG_OUTPUT)
    message(FATAL_ERROR "dspy_generate_signature: NAME, SIGNATURE and OUTPUT are required")
  endif()
  set(dir "${CMAKE_CURRENT_BINARY_DIR}/generated")
  set(out "${dir}/${ARG_OUTPUT}")
  get_filename_component(outdir "${out}" DIRECTORY)
  file(MAKE_DIRECTORY "${outdir}")
  set(extra)
  if(DEFINED ARG_INSTRUCTIONS)
    list(APPEND extra --instructions "${ARG_INSTRUCTIONS}")
  endif()
  add_custom_command(OUTPUT "${out}"
    COMMAND dspy-codegen "${ARG_SIGNATURE}" --name "${ARG_NAME}" ${extra} -o "${out}"
    DEPENDS dspy-codegen
    COMMENT "dspy-codegen ${ARG_NAME}: ${ARG_SIGNATURE}"
    VERBATIM)
  target_sources(${target} PRIVATE "${out}")
  target_include_directories(${target} PRIVATE "${dir}")
endfunction()
