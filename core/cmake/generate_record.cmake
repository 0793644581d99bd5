# cmake -DINPUT=record.schema.json -DOUTPUT=record_fields.hpp -P generate_record.cmake
# Writes vmpulse::Record, vmpulse::ProcessEntry and their visit_fields() /
# visit_process_fields() from the contract schema, so that a field added to the schema
# is one edit there (and one migration): required integer -> std::int64_t, required
# number -> double, string -> std::string, an optional property -> std::optional<...>,
# procesos_top (a list of objects) -> std::optional<std::vector<ProcessEntry>>, an object
# of string values (etiquetas) -> std::optional<Labels>, and the
# fields the route sets (x-vmpulse-rules.ignored_on_input: api) -> std::string, last.
# The visitors visit the members that are a column each (scalars, etiquetas), in the
# schema's `properties` order.
cmake_minimum_required(VERSION 3.25)
file(READ "${INPUT}" schema)

# string(JSON) reads objects through a sorted map, so the order of `properties` (which
# is the record's field order) is read from the text: the keys of every object, per path
# of keys from the root (order___properties for the record's properties). Strings and the
# structure are tokenised; `;` and brackets, which CMake lists would split on or group
# by, are replaced first (inside strings it does not matter: keys are identifiers).
string(REPLACE ";" " " text "${schema}")
string(REPLACE "[" "<" text "${text}")
string(REPLACE "]" ">" text "${text}")
string(REGEX MATCHALL "\"([^\"\\]|\\.)*\"|[{}<>:,]" tokens "${text}")
set(stack "")
set(previous "")
foreach(token IN LISTS tokens)
  if(token STREQUAL "{" OR token STREQUAL "<")
    if(previous STREQUAL ":")
      list(APPEND stack "${key}")
    else()
      list(APPEND stack "#")
    endif()
  elseif(token STREQUAL "}" OR token STREQUAL ">")
    list(POP_BACK stack)
  elseif(token STREQUAL ":")
    string(REGEX REPLACE "^\"(.*)\"$" "\\1" key "${previous}")
    string(MAKE_C_IDENTIFIER "order;${stack}" where)
    list(APPEND ${where} "${key}")
  endif()
  set(previous "${token}")
endforeach()

# The names of a JSON array at PATH... of the schema (empty when absent).
function(json_names out)
  string(JSON length ERROR_VARIABLE missing LENGTH "${schema}" ${ARGN})
  set(names "")
  if(NOT missing AND length GREATER 0)
    math(EXPR last "${length} - 1")
    foreach(i RANGE ${last})
      string(JSON name GET "${schema}" ${ARGN} ${i})
      list(APPEND names "${name}")
    endforeach()
  endif()
  set(${out} "${names}" PARENT_SCOPE)
endfunction()

# C++ members and visitor lines of the object at PATH... (the record, or a list's entry):
# sets <prefix>_members, <prefix>_visits and <prefix>_lists (the list properties).
function(object_members prefix holder)
  json_names(required ${ARGN} required)
  json_names(route_set x-vmpulse-rules ignored_on_input)
  set(path "#" ${ARGN} properties)
  string(MAKE_C_IDENTIFIER "order;${path}" where)
  set(names "${${where}}")
  string(JSON count LENGTH "${schema}" ${ARGN} properties)
  list(LENGTH names listed)
  if(NOT count EQUAL listed)
    message(FATAL_ERROR "${INPUT}: read ${listed} keys of ${where}, the schema has ${count}")
  endif()
  set(members "")
  set(visits "")
  set(tail_members "")
  set(tail_visits "")
  set(lists "")
  foreach(name IN LISTS names)
    if(NOT name MATCHES "^[a-z_][a-z0-9_]*$")
      message(FATAL_ERROR "${INPUT}: property \"${name}\" is not a C++ identifier")
    endif()
    string(JSON type ERROR_VARIABLE untyped GET "${schema}" ${ARGN} properties ${name} type)
    if(untyped)
      set(type "")
    endif()
    string(JSON description ERROR_VARIABLE undescribed GET "${schema}" ${ARGN} properties ${name} description)
    set(comment "")
    if(NOT undescribed AND NOT description STREQUAL "")
      string(REPLACE "\n" " " description "${description}")
      set(comment "  // ${description}\n")
    endif()
    if(holder STREQUAL "r" AND name IN_LIST route_set)
      # Set by the ingest route that stores the record; empty elsewhere.
      string(APPEND tail_members "${comment}  std::string ${name};\n")
      string(APPEND tail_visits "  visitor(std::string_view(\"${name}\"), ${holder}.${name});\n")
      continue()
    endif()
    if(type STREQUAL "integer")
      set(cpp "std::int64_t")
      set(init " = 0")
    elseif(type STREQUAL "number")
      set(cpp "double")
      set(init " = 0")
    elseif(type STREQUAL "string")
      set(cpp "std::string")
      set(init "")
    elseif(type STREQUAL "object" AND holder STREQUAL "r")
      # A map of string values (etiquetas); contract_schema.cpp checks its rules.
      string(JSON value_type ERROR_VARIABLE untyped_values
             GET "${schema}" ${ARGN} properties ${name} additionalProperties type)
      if(untyped_values OR NOT value_type STREQUAL "string")
        message(FATAL_ERROR "${INPUT}: object property \"${name}\" must have string values "
                            "(additionalProperties: {type: string})")
      endif()
      set(cpp "Labels")
      set(init "")
    elseif(type STREQUAL "array" AND holder STREQUAL "r" AND name STREQUAL "procesos_top")
      # The one list of a Record; another would need its entry type named here.
      string(APPEND members "${comment}  std::optional<std::vector<ProcessEntry>> ${name};\n"
             "  // ${name} as metricas stores it, when parse_ingest_body kept the list as\n"
             "  // its text (ListReading::kStoredText: ${name} is then an empty list; route 1\n"
             "  // stores these bytes as they came). Empty otherwise.\n"
             "  std::string ${name}_stored;\n")
      list(APPEND lists "${name}")
      continue()
    else()
      message(FATAL_ERROR "${INPUT}: property \"${name}\" of type \"${type}\" has no C++ type "
                          "(core/cmake/generate_record.cmake)")
    endif()
    if(name IN_LIST required)
      string(APPEND members "${comment}  ${cpp} ${name}${init};\n")
    else()
      string(APPEND members "${comment}  std::optional<${cpp}> ${name};\n")
    endif()
    string(APPEND visits "  visitor(std::string_view(\"${name}\"), ${holder}.${name});\n")
  endforeach()
  set(${prefix}_members "${members}${tail_members}" PARENT_SCOPE)
  set(${prefix}_visits "${visits}${tail_visits}" PARENT_SCOPE)
  set(${prefix}_lists "${lists}" PARENT_SCOPE)
endfunction()

object_members(record r)
if(NOT record_lists STREQUAL "procesos_top")
  message(FATAL_ERROR "${INPUT}: the record must hold the list procesos_top")
endif()
string(JSON item_type GET "${schema}" properties procesos_top items type)
if(NOT item_type STREQUAL "object")
  message(FATAL_ERROR "${INPUT}: procesos_top's items must be objects")
endif()
object_members(entry p properties procesos_top items)

file(WRITE "${OUTPUT}.tmp"
"// Generated from contract/record.schema.json by core/cmake/generate_record.cmake; do not
// edit. Included by vmpulse/record.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vmpulse {

// An object of string values (etiquetas): its key/value pairs in the order received
// (the contract refuses a repeated key).
using Labels = std::vector<std::pair<std::string, std::string>>;

// One entry of procesos_top.
struct ProcessEntry {
${entry_members}
  bool operator==(const ProcessEntry&) const = default;
};

// The fields in the schema's `properties` order; optional ones are absent on input
// when absent (and NULL in the database). The route's own fields come last.
struct Record {
${record_members}
  bool operator==(const Record&) const = default;
};

// Calls visitor(name, member) for every field of the record that is a column of its own
// in schema order: the scalars and etiquetas (procesos_top, a list, is not visited; the
// route's fields last). Works on const and non-const records. What the generic plumbing
// (JSON, SQL columns, the hub's rows) iterates over, so that a field added to the schema
// needs no edit there.
template <class R, class Visitor>
constexpr void visit_fields(R& r, Visitor&& visitor) {
${record_visits}}

// The same for one procesos_top entry.
template <class P, class Visitor>
constexpr void visit_process_fields(P& p, Visitor&& visitor) {
${entry_visits}}

}  // namespace vmpulse
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
