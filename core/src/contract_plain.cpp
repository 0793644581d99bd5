// The plain-body reader. Why it exists: for a version 2 record (10 processes) the general
// path — lexer events, a handler that stages every value in a RawValue, then
// check_record() over the staged values — cost four times a version 1 record (route 1,
// issue 13). Here each value is read, checked against its rule and kept as a view into
// the body, and only copied once, into its Record member. The rules are the same code:
// check_string, below_minimum / above_maximum, presence_error, cross_field_error and
// fill_record / fill_entry (contract_raw.hpp); only the reading is separate.
#include "contract_plain.hpp"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <span>

#include "contract_lex.hpp"
#include "contract_raw.hpp"

namespace vmpulse::detail {

namespace {

using Kind = RawValue::Kind;

// Per thread, reused from body to body: the staged values of the record being read and of
// the list entry being read, and the pairs of each map property until they move into the
// record.
struct PlainWorkspace {
  std::vector<PlainValue> record;
  std::vector<PlainValue> entry;
  std::vector<Labels> maps;
  std::vector<ProcessEntry> entries;  // a list's entries, moved out at the list's size
};

class PlainReader {
 public:
  PlainReader(const ContractSchema& schema, std::string_view body, PlainWorkspace& workspace)
      : schema_(schema),
        begin_(reinterpret_cast<const unsigned char*>(body.data())),
        p_(begin_),
        end_(begin_ + body.size()),
        record_values_(workspace.record),
        entry_values_(workspace.entry),
        maps_(workspace.maps),
        entries_(workspace.entries) {
    record_values_.resize(schema.properties.size());
    maps_.resize(schema.properties.size());
  }

  bool body(std::vector<Record>& out);

 private:
  // Most bodies have no whitespace between tokens: each step looks for its token first
  // and skips whitespace only when it is not there.
  void skip_whitespace() {
    while (p_ < end_ && is_json_whitespace(*p_)) {
      ++p_;
    }
  }
  // Whitespace, then `c`: true (and past it) when it is there.
  bool take(unsigned char c) {
    if (p_ == end_ || *p_ != c) {
      skip_whitespace();
      if (p_ == end_ || *p_ != c) {
        return false;
      }
    }
    ++p_;
    return true;
  }
  // At whitespace or a key: past `"name":` when it is property `index`'s key written as it
  // is (the usual case: keys come in schema order), else nowhere.
  bool expected_key(const ObjectRule& rule, std::size_t index) {
    if (p_ < end_ && *p_ != '"') {
      skip_whitespace();
    }
    if (index >= rule.quoted_keys.size()) {
      return false;
    }
    const std::string& key = rule.quoted_keys[index];
    if (static_cast<std::size_t>(end_ - p_) < key.size() ||
        std::memcmp(p_, key.data(), key.size()) != 0) {
      return false;
    }
    p_ += key.size();
    return true;
  }
  bool string(std::string_view& out);
  bool scalar(const PropertyRule& rule, PlainValue& out);
  template <class Nested>
  bool object(const ObjectRule& rule, std::vector<PlainValue>& values, Nested&& nested);
  bool record(Record& out, std::size_t depth);
  bool list(const PropertyRule& rule, std::vector<ProcessEntry>& out, std::string& stored,
            std::size_t depth);
  bool tuple(const ObjectRule& rule, bool& as_stored, std::size_t& bytes);
  bool labels(const PropertyRule& rule, Labels& out, std::size_t depth);

  const ContractSchema& schema_;
  const unsigned char* begin_;
  const unsigned char* p_;
  const unsigned char* end_;
  std::vector<PlainValue>& record_values_;
  std::vector<PlainValue>& entry_values_;
  std::vector<Labels>& maps_;
  std::vector<ProcessEntry>& entries_;
};

// At whitespace or a string: a string of bytes that stand for themselves (no escape, no
// control byte, ASCII only), as a view into the body.
bool PlainReader::string(std::string_view& out) {
  if (!take('"')) {
    return false;
  }
  const unsigned char* start = p_;
  p_ = plain_run_end(p_, end_);
  if (p_ == end_ || *p_ != '"') {
    return false;
  }
  out =
      std::string_view(reinterpret_cast<const char*>(start), static_cast<std::size_t>(p_ - start));
  ++p_;
  return true;
}

// The value of a string, integer or number property, read and checked against its rule.
bool PlainReader::scalar(const PropertyRule& rule, PlainValue& out) {
  if (p_ < end_ && *p_ <= ' ') {
    skip_whitespace();
  }
  switch (rule.type) {
    case FieldType::kString:
      if (!string(out.text)) {
        return false;
      }
      out.kind = Kind::kString;
      return !check_string(rule, out.text, out.text.size());  // ASCII: a byte per character
    case FieldType::kInteger:
      return read_plain_number(p_, end_, out) && out.kind == Kind::kInteger &&
             !below_minimum(rule, out.integer) && !above_maximum(rule, out.integer);
    case FieldType::kNumber:
      if (!read_plain_number(p_, end_, out)) {
        return false;
      }
      if (out.kind == Kind::kInteger) {
        return !below_minimum(rule, out.integer) && !above_maximum(rule, out.integer);
      }
      return !below_minimum(rule, out.number) && !above_maximum(rule, out.number);
    default:  // api (any value) and whatever else the general path is for
      return false;
  }
}

// An object of `rule`'s properties, one staged value each in `values` (kAbsent when
// missing), keys in any order but none twice; `nested(index)` reads the value of a list
// or map property. Presence and cross-field rules are the caller's.
template <class Nested>
bool PlainReader::object(const ObjectRule& rule, std::vector<PlainValue>& values, Nested&& nested) {
  if (!take('{')) {
    return false;
  }
  for (auto& value : values) {
    value.kind = Kind::kAbsent;
  }
  if (take('}')) {
    return true;
  }
  std::size_t next = 0;  // keys usually come in schema order: where the next one is
  do {
    std::size_t index = next;
    if (!expected_key(rule, next)) {
      std::string_view name;
      if (!string(name) || !take(':')) {
        return false;
      }
      const auto found = rule.find(name);
      if (!found) {
        return false;
      }
      index = *found;
    }
    if (values[index].kind != Kind::kAbsent) {
      return false;  // a repeated key
    }
    next = index + 1;
    const PropertyRule& property = rule.properties[index];
    if (property.type == FieldType::kArray || property.type == FieldType::kMap) {
      if (!nested(index)) {
        return false;
      }
      values[index].kind = property.type == FieldType::kArray ? Kind::kArray : Kind::kObject;
    } else if (!scalar(property, values[index])) {
      return false;
    }
  } while (take(','));
  return take('}');
}

// A record object at `depth` (1 alone, 2 in an array), every rule of step 8 checked.
bool PlainReader::record(Record& out, std::size_t depth) {
  const auto nested = [this, &out, depth](std::size_t index) {
    const PropertyRule& rule = schema_.properties[index];
    if (rule.type == FieldType::kArray) {
      return index == schema_.process_list &&
             list(rule, out.procesos_top.emplace(), out.procesos_top_stored.text, depth + 1);
    }
    Labels& pairs = maps_[index];
    pairs.clear();
    record_values_[index].pairs = &pairs;
    return labels(rule, pairs, depth + 1);
  };
  return depth <= schema_.limits.max_depth && object(schema_, record_values_, nested) &&
         !presence_error(schema_, record_values_) && !cross_field_error(schema_, record_values_) &&
         (fill_record(schema_, record_values_, out), true);
}

// Whether a value read by scalar() from [start, end) is written as the stored form writes
// that property's value (processes_json.cpp): an integer as it is (no sign: "-0" is
// written "0"), a number with exactly two decimals (read_plain_number took at most 15
// digits, so the double rounds back to the same two), a string without escapes (string()
// takes no other). A value after whitespace starts with neither a digit nor a quote.
bool written_as_stored(FieldType type, const PlainValue& value, const unsigned char* start,
                       const unsigned char* end) {
  switch (type) {
    case FieldType::kString:
      return *start == '"';
    case FieldType::kInteger:
      return is_digit(*start);
    case FieldType::kNumber:
      return value.kind == Kind::kFloat && is_digit(*start) && end - start >= 4 && end[-3] == '.';
    default:
      return false;
  }
}

// One entry of a compact list: an array of the entry's values in schema order, each read
// and checked by its property's rule. `as_stored` is cleared unless every value is written
// as the stored form writes it; `bytes` grows by the values' text.
bool PlainReader::tuple(const ObjectRule& rule, bool& as_stored, std::size_t& bytes) {
  if (!take('[')) {
    return false;
  }
  for (std::size_t k = 0; k < rule.properties.size(); ++k) {
    if (k > 0 && !take(',')) {
      return false;
    }
    const unsigned char* start = p_;
    if (!scalar(rule.properties[k], entry_values_[k])) {
      return false;
    }
    as_stored =
        as_stored && written_as_stored(rule.properties[k].type, entry_values_[k], start, p_);
    bytes += static_cast<std::size_t>(p_ - start);
  }
  return take(']');
}

// procesos_top's array at `depth`: its length, and each entry as an object of the entry's
// rules with its required fields present, or (a compact list) as an array of their values.
// When every entry is an array written exactly as the stored form writes it, with no
// whitespace anywhere (its length is the values' bytes plus the brackets and commas),
// the list's text is `stored`: the agent's lists, which route 1 then stores as they came.
bool PlainReader::list(const PropertyRule& rule, std::vector<ProcessEntry>& out,
                       std::string& stored, std::size_t depth) {
  if (depth + 1 > schema_.limits.max_depth || !take('[')) {
    return false;
  }
  const unsigned char* const start = p_ - 1;
  const ObjectRule& entry_rule = *rule.items;
  entry_values_.resize(entry_rule.properties.size());
  std::size_t count = 0;
  bool as_stored = rule.compact_items;
  std::size_t value_bytes = 0;
  if (!take(']')) {
    do {
      if (rule.max_items && count >= *rule.max_items) {
        return false;
      }
      if (p_ < end_ && is_json_whitespace(*p_)) {
        skip_whitespace();
      }
      if (rule.compact_items && p_ < end_ && *p_ == '[') {
        if (!tuple(entry_rule, as_stored, value_bytes)) {
          return false;
        }
      } else {
        as_stored = false;
        if (!object(entry_rule, entry_values_, [](std::size_t) { return false; }) ||
            std::any_of(
                entry_rule.required.begin(), entry_rule.required.end(),
                [this](std::size_t index) { return entry_values_[index].kind == Kind::kAbsent; })) {
          return false;
        }
      }
      if (count == entries_.size()) {
        entries_.emplace_back();
      } else {
        entries_[count] = ProcessEntry{};  // an optional member left out stays empty
      }
      fill_entry(schema_, entry_values_, entries_[count++]);
    } while (take(','));
    if (!take(']')) {
      return false;
    }
  }
  if (rule.min_items && count < *rule.min_items) {
    return false;
  }
  const std::size_t fields = entry_rule.properties.size();
  if (as_stored && count > 0 &&
      static_cast<std::size_t>(p_ - start) ==
          value_bytes + count * (fields + 1) + count + 1) {  // [ ] and commas, per entry and list
    stored.assign(reinterpret_cast<const char*>(start), static_cast<std::size_t>(p_ - start));
  }
  out.assign(std::make_move_iterator(entries_.begin()),
             std::make_move_iterator(entries_.begin() + static_cast<std::ptrdiff_t>(count)));
  return true;
}

// etiquetas' object at `depth`: string values, each key and value checked, no key twice.
bool PlainReader::labels(const PropertyRule& rule, Labels& out, std::size_t depth) {
  if (depth > schema_.limits.max_depth || rule.values == nullptr || !take('{')) {
    return false;
  }
  if (!take('}')) {
    do {
      std::string_view key;
      std::string_view value;
      if (!string(key) || !take(':') || !string(value) ||
          (rule.max_properties && out.size() >= *rule.max_properties) ||
          (rule.names && check_string(*rule.names, key, key.size())) ||
          check_string(*rule.values, value, value.size()) ||
          std::any_of(out.begin(), out.end(),
                      [key](const auto& pair) { return pair.first == key; })) {
        return false;
      }
      out.emplace_back(key, value);
    } while (take(','));
    if (!take('}')) {
      return false;
    }
  }
  return !rule.min_properties || out.size() >= *rule.min_properties;
}

bool PlainReader::body(std::vector<Record>& out) {
  skip_whitespace();
  if (p_ == end_) {
    return false;
  }
  if (*p_ == '{') {
    if (!record(out.emplace_back(), 1)) {
      return false;
    }
  } else if (*p_ == '[') {
    ++p_;
    do {
      if (out.size() >= schema_.limits.max_batch) {
        return false;
      }
      if (!record(out.emplace_back(), 2)) {
        return false;
      }
      if (out.size() == 1) {  // room for as many records as the body has room for at this size
        const auto first = static_cast<std::size_t>(p_ - begin_);
        out.reserve(std::min(schema_.limits.max_batch,
                             static_cast<std::size_t>(end_ - begin_) / first + 1));
      }
    } while (take(','));
    if (!take(']')) {
      return false;
    }
  } else {
    return false;
  }
  skip_whitespace();
  return p_ == end_;
}

}  // namespace

std::optional<std::vector<Record>> read_plain_body(const ContractSchema& schema,
                                                   std::string_view body) {
  thread_local PlainWorkspace workspace;
  std::vector<Record> records;
  if (!PlainReader(schema, body, workspace).body(records)) {
    return std::nullopt;
  }
  return records;
}

}  // namespace vmpulse::detail
