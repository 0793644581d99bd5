# cmake -DINPUT=schema.json -DOUTPUT=file.cpp -P embed_schema.cmake
# Writes the schema's text as a raw string literal so the binaries carry the exact file.
file(READ "${INPUT}" text)
set(delimiter "vmpulse_schema")
string(FIND "${text}" ")${delimiter}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter )${delimiter}\"")
endif()
file(WRITE "${OUTPUT}.tmp"
"// Generated from contract/record.schema.json by core/cmake/embed_schema.cmake; do not edit.
#include <string_view>

namespace vmpulse::detail {
extern const std::string_view kRecordSchemaText;
const std::string_view kRecordSchemaText = R\"${delimiter}(${text})${delimiter}\";
}  // namespace vmpulse::detail
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
