// The plain-body reader. Why it exists: for a version 2 record (10 processes) the general
// path — lexer events, a handler that stages every value in a RawValue, then
// check_record() over the staged values — cost four times a version 1 record (route 1,
// issue 13). Here each value is read, checked against its rule and kept as a view into
// the body, and only copied once, into its Record member. The rules are the same code:
// meets_plain_string_rules, below_minimum / above_maximum, presence_error, cross_field_error and
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
  PlainReader(const ContractSchema& schema, std::string_view body, ListReading lists,
              PlainWorkspace& workspace)
      : schema_(schema),
        lists_(lists),
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
  bool tuple(const ObjectRule& rule);
  bool stored_value(const PropertyRule& rule, const unsigned char*& p) const;
  bool stored_list(const PropertyRule& rule);
  bool labels(const PropertyRule& rule, Labels& out, std::size_t depth);

  const ContractSchema& schema_;
  const ListReading lists_;
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
      return meets_plain_string_rules(rule, out.text);
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
             list(rule, out.procesos_top.emplace(), out.procesos_top_stored, depth + 1);
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

// One entry of a compact list: an array of the entry's values in schema order, each read
// and checked by its property's rule.
bool PlainReader::tuple(const ObjectRule& rule) {
  if (!take('[')) {
    return false;
  }
  for (std::size_t k = 0; k < rule.properties.size(); ++k) {
    if ((k > 0 && !take(',')) || !scalar(rule.properties[k], entry_values_[k])) {
      return false;
    }
  }
  return take(']');
}

// At `p`: one value of a list entry written as the stored form writes it
// (processes_json.cpp) — an integer as it is, a number with exactly two decimals (at most
// 15 digits, so the double it reads as rounds back to the same two), a string without
// escapes — and within `rule`, checked as scalar() checks it; `p` is then past it.
// Why not scalar() and then a look at the text's shape: that reads the same, but staging
// every value cost 3,650 more instructions per version 2 record (bench/core/run.sh's
// store-v2, session 19: 18,492 against 14,848), an eighth of route 1's work on it.
bool PlainReader::stored_value(const PropertyRule& rule, const unsigned char*& p) const {
  if (rule.type == FieldType::kString) {
    if (p == end_ || *p != '"') {
      return false;
    }
    const unsigned char* start = p + 1;
    const unsigned char* stop = plain_run_end(start, end_);
    if (stop == end_ || *stop != '"') {
      return false;
    }
    const std::string_view text(reinterpret_cast<const char*>(start),
                                static_cast<std::size_t>(stop - start));
    p = stop + 1;
    return meets_plain_string_rules(rule, text);
  }
  std::uint64_t digits = 0;
  const unsigned char* q = scan_digits(p, end_, digits);
  const auto whole = static_cast<std::size_t>(q - p);
  if (whole == 0 || (whole > 1 && *p == '0')) {
    return false;
  }
  if (rule.type == FieldType::kInteger) {
    if (whole > 18 || (q < end_ && (*q == '.' || *q == 'e' || *q == 'E'))) {
      return false;
    }
    const auto value = static_cast<std::int64_t>(digits);
    p = q;
    return !below_minimum(rule, value) && !above_maximum(rule, value);
  }
  if (rule.type != FieldType::kNumber || whole > 13 || end_ - q < 3 || q[0] != '.' ||
      !is_digit(q[1]) || !is_digit(q[2])) {
    return false;
  }
  digits = digits * 100 + static_cast<std::uint64_t>((q[1] - '0') * 10 + (q[2] - '0'));
  q += 3;
  if (q < end_ && (is_digit(*q) || *q == 'e' || *q == 'E')) {
    return false;
  }
  const double value = static_cast<double>(digits) / 100;  // as read_plain_number reads it
  p = q;
  return !below_minimum(rule, value) && !above_maximum(rule, value);
}

// At the '[' of a compact list written exactly as metricas stores it — every entry an
// array of values as stored_value() takes them, no whitespace, at least one entry —
// whose values all meet their rules: true and past the list. Otherwise false with p_
// unmoved, and list() reads it as usual (and finds what is wrong, if anything).
bool PlainReader::stored_list(const PropertyRule& rule) {
  const ObjectRule& entry = *rule.items;
  const unsigned char* p = p_ + 1;
  const auto at = [&p, this](unsigned char c) { return p < end_ && *p == c; };
  std::size_t count = 0;
  for (;;) {
    if ((rule.max_items && count >= *rule.max_items) || !at('[')) {
      return false;
    }
    ++p;
    for (std::size_t k = 0; k < entry.properties.size(); ++k) {
      if (k > 0) {
        if (!at(',')) {
          return false;
        }
        ++p;
      }
      if (!stored_value(entry.properties[k], p)) {
        return false;
      }
    }
    if (!at(']')) {
      return false;
    }
    ++p;
    ++count;
    if (!at(',')) {
      break;
    }
    ++p;
  }
  if (!at(']') || (rule.min_items && count < *rule.min_items)) {
    return false;
  }
  p_ = p + 1;
  return true;
}

// procesos_top's array at `depth`: its length, and each entry as an object of the entry's
// rules with its required fields present, or (a compact list) as an array of their values.
// For storage (ListReading::kStoredText), a list written exactly as metricas stores it is
// checked value by value and kept as its text in `stored`, its entries not read.
bool PlainReader::list(const PropertyRule& rule, std::vector<ProcessEntry>& out,
                       std::string& stored, std::size_t depth) {
  if (depth + 1 > schema_.limits.max_depth || !take('[')) {
    return false;
  }
  const unsigned char* const start = --p_;
  if (lists_ == ListReading::kStoredText && rule.compact_items && stored_list(rule)) {
    stored.assign(reinterpret_cast<const char*>(start), static_cast<std::size_t>(p_ - start));
    return true;
  }
  ++p_;
  const ObjectRule& entry_rule = *rule.items;
  entry_values_.resize(entry_rule.properties.size());
  std::size_t count = 0;
  if (!take(']')) {
    do {
      if (rule.max_items && count >= *rule.max_items) {
        return false;
      }
      if (p_ < end_ && is_json_whitespace(*p_)) {
        skip_whitespace();
      }
      if (rule.compact_items && p_ < end_ && *p_ == '[') {
        if (!tuple(entry_rule)) {
          return false;
        }
      } else if (!object(entry_rule, entry_values_, [](std::size_t) { return false; }) ||
                 std::any_of(entry_rule.required.begin(), entry_rule.required.end(),
                             [this](std::size_t index) {
                               return entry_values_[index].kind == Kind::kAbsent;
                             })) {
        return false;
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
          (rule.names && !meets_plain_string_rules(*rule.names, key)) ||
          !meets_plain_string_rules(*rule.values, value) ||
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
                                                   std::string_view body, ListReading lists) {
  thread_local PlainWorkspace workspace;
  std::vector<Record> records;
  if (!PlainReader(schema, body, lists, workspace).body(records)) {
    return std::nullopt;
  }
  return records;
}

}  // namespace vmpulse::detail
