// The events of one JSON body (from core's lexer, or nlohmann's SAX reader in the
// differential tests) turned into records: the step-6 errors a lexer cannot see (a
// repeated key, too deep a nesting), the body's shape (step 7), and each record's values
// collected per schema property — procesos_top's entries per entry property — and
// checked by check_record() as soon as the record closes (step 8). Internal to the
// contract implementation; one instance per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "contract_raw.hpp"

namespace vmpulse::detail {

class BodyHandler {
 public:
  using Kind = RawValue::Kind;

  // Ready for a new body, keeping the buffers of the previous one (a handler is reused
  // per thread, so that a body's parse allocates only what it returns).
  void reset(const ContractSchema& schema) {
    schema_ = &schema;
    raw_.values.resize(schema.properties.size());
    frames_.clear();
    skipped_depth_ = 0;
    strict_error.reset();
    shape_error.reset();
    record_error.reset();
    batch_too_large = false;
    top_level_elements = 0;
    records.clear();
    if (records.capacity() > 64) {
      std::vector<Record>().swap(records);  // left by a refused batch
    }
  }

  // Filled in while parsing. Errors of step 6 (a repeated key, too deep) are kept but
  // parsing goes on, so that a syntax error later in the body still wins, as a
  // parse-then-check implementation would answer. Shape (step 7) and record (step 8)
  // errors are kept separately and ranked once the whole body has been read.
  std::optional<ContractError> strict_error;  // duplicate key or nesting
  std::optional<ContractError> shape_error;
  std::optional<ContractError> record_error;
  bool batch_too_large = false;
  std::size_t top_level_elements = 0;
  std::vector<Record> records;

  void null() { scalar(Kind::kNull); }
  void boolean() { scalar(Kind::kBool); }
  void integer(std::int64_t number) {
    if (RawValue* value = scalar(Kind::kInteger)) {
      value->integer = number;
    }
  }
  void unsigned_integer(std::uint64_t number) {
    // Every non-negative integer arrives here; those that fit are kept as signed.
    if (number <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      integer(static_cast<std::int64_t>(number));
    } else if (RawValue* value = scalar(Kind::kUnsigned)) {
      value->unsigned_integer = number;
    }
  }
  void floating(double number) {
    if (RawValue* value = scalar(Kind::kFloat)) {
      value->number = number;
    }
  }
  void string(std::string_view text) {
    if (RawValue* value = scalar(Kind::kString)) {
      value->text.assign(text);  // reuses the slot's buffer from the previous record
    }
  }

  // Parser::compact_entry, the fast path for list entries (procesos_top): the keys of an
  // entry of the list being read, each as it reads in a compact entry (the schema's
  // quoted_keys), or nullptr when no entry can be taken that way here — not inside a
  // list, past a strict error, or where the entry's object would nest too deep (the
  // general path then says so).
  static constexpr std::size_t kMaxCompactEntryKeys = 16;
  const std::vector<std::string>* compact_entry_keys() const {
    if (skipping() || frames_.empty() || frames_.back().role != Role::kList ||
        frames_.size() + 1 > schema_->limits.max_depth) {
      return nullptr;
    }
    const auto& keys = schema_->properties[frames_.back().list].items->quoted_keys;
    return keys.empty() ? nullptr : &keys;
  }
  // One entry read whole by that fast path, one value per key in schema order: left as
  // start_object, the keys, the values and end_object would have left it.
  void compact_entry(std::span<const PlainValue> values) {
    RawItem* item = new_item(frames_.back(), Kind::kObject);
    if (item == nullptr) {
      return;  // past the list's maxItems: only counted
    }
    for (std::size_t k = 0; k < values.size(); ++k) {
      RawValue& value = item->values[k];
      value.kind = values[k].kind;
      value.integer = values[k].integer;
      value.unsigned_integer = 0;
      value.number = values[k].number;
      if (value.kind == Kind::kString) {
        value.text.assign(values[k].text);
      } else {
        value.text.clear();
      }
    }
  }

  void start_object() {
    if (!open_container()) {
      return;
    }
    Frame frame;
    frame.is_object = true;
    if (frames_.empty()) {
      frame.role = Role::kRecord;
    } else if (frames_.size() == 1 && !frames_.back().is_object) {
      // An element of the top-level array: a record, as long as the batch is in bounds.
      frame.element = frames_.back().count++;
      if (frame.element < schema_->limits.max_batch) {
        frame.role = Role::kRecord;
      } else {
        batch_too_large = true;
      }
    } else if (Frame& parent = frames_.back();
               parent.role == Role::kRecord && parent.slot != kNoSlot &&
               schema_->properties[parent.slot].type == FieldType::kMap) {
      RawValue& map = raw_.values[parent.slot];
      map.kind = Kind::kObject;
      map.pair_count = 0;
      map.length = 0;
      frame.role = Role::kMap;
      frame.list = parent.slot;
    } else if (frames_.back().role == Role::kList) {
      Frame& list = frames_.back();
      if (new_item(list, Kind::kObject)) {
        frame.role = Role::kEntry;
        frame.list = list.list;
        frame.item = raw_.values[list.list].item_count - 1;
      }
    } else if (frames_.back().role == Role::kTuple) {
      if (RawValue* value = tuple_value(frames_.back())) {
        value->kind = Kind::kObject;
      }
    } else {
      mark_current_slot(Kind::kObject);
    }
    if (frame.role == Role::kRecord) {
      for (auto& value : raw_.values) {
        value.kind = Kind::kAbsent;
      }
      raw_.first_unknown.reset();
    }
    frames_.push_back(std::move(frame));
  }

  void key(std::string_view name) {
    if (skipping()) {
      return;
    }
    Frame& frame = frames_.back();
    frame.slot = kNoSlot;
    if (frame.role == Role::kRecord || frame.role == Role::kEntry) {
      const ObjectRule& rule = rule_of(frame);
      RawObject& object = object_of(frame);
      std::optional<std::size_t> index;
      if (frame.next_property < rule.properties.size() &&
          rule.properties[frame.next_property].name == name) {
        index = frame.next_property;  // records and entries come in schema order: no search
      } else {
        index = rule.find(name);
      }
      if (index) {
        frame.next_property = *index + 1;
        // Every key is followed by its value, which sets the kind: a kind already set
        // is a key seen before in this object.
        if (object.values[*index].kind != Kind::kAbsent) {
          duplicate(name);
          return;
        }
        frame.slot = *index;
        return;
      }
      if (!rule.additional_properties && !object.first_unknown) {
        object.first_unknown.emplace(name);
      }
    }
    for (const auto& seen : frame.other_keys) {
      if (seen == name) {
        duplicate(name);
        return;
      }
    }
    frame.other_keys.emplace_back(name);
    if (frame.role == Role::kMap) {
      frame.slot = new_pair(frame, name);
    }
  }

  void end_object() {
    if (close_container()) {
      return;
    }
    Frame frame = std::move(frames_.back());
    frames_.pop_back();
    if (frame.role == Role::kRecord) {
      if (record_error) {
        // No use checking or keeping records once one failed.
      } else if (records.emplace_back();
                 auto error = check_record(*schema_, raw_, records.back())) {
        records.pop_back();
        record_error = std::move(error);
        if (!frames_.empty()) {
          record_error->index = frame.element;
        }
      }
    }
    if (!frames_.empty()) {
      frames_.back().slot = kNoSlot;
    }
  }

  void start_array() {
    if (!open_container()) {
      return;
    }
    Frame frame;
    if (frames_.size() == 1 && !frames_.back().is_object) {
      not_an_object();
    } else if (!frames_.empty()) {
      Frame& parent = frames_.back();
      if (parent.role == Role::kList) {
        // An entry written as an array: its values by position when the list allows the
        // compact form, otherwise only its kind (the check says it is not an object).
        if (new_item(parent, Kind::kArray) && schema_->properties[parent.list].compact_items) {
          frame.role = Role::kTuple;
          frame.list = parent.list;
          frame.item = raw_.values[parent.list].item_count - 1;
        }
      } else if (parent.role == Role::kTuple) {
        if (RawValue* value = tuple_value(parent)) {
          value->kind = Kind::kArray;
        }
      } else if (parent.role == Role::kRecord && parent.slot != kNoSlot &&
                 schema_->properties[parent.slot].type == FieldType::kArray) {
        RawValue& list = raw_.values[parent.slot];
        list.kind = Kind::kArray;
        list.item_count = 0;
        list.length = 0;
        frame.role = Role::kList;
        frame.list = parent.slot;
      } else {
        mark_current_slot(Kind::kArray);
      }
    }
    frames_.push_back(std::move(frame));
  }

  void end_array() {
    if (close_container()) {
      return;
    }
    const Frame frame = std::move(frames_.back());
    frames_.pop_back();
    if (frames_.empty()) {
      top_level_elements = frame.count;
      if (frame.count == 0 && !shape_error) {
        shape_error =
            make_error(*schema_, "invalid_record", std::nullopt, "the array holds no records");
      }
    } else {
      frames_.back().slot = kNoSlot;
    }
  }

 private:
  static constexpr std::size_t kNoSlot = std::numeric_limits<std::size_t>::max();

  // kRecord: a record object; kList: the array of a list property (procesos_top);
  // kEntry: an object element of such a list; kTuple: an array element of a list that
  // allows the compact form; kMap: the object of a map property (etiquetas); kPlain:
  // anything else.
  enum class Role : std::uint8_t { kPlain, kRecord, kList, kEntry, kTuple, kMap };

  struct Frame {
    bool is_object = false;
    Role role = Role::kPlain;
    std::size_t element = 0;              // position in the top-level array (records)
    std::size_t count = 0;                // elements so far (the top-level array)
    std::size_t slot = kNoSlot;           // the property the next value belongs to
    std::size_t list = kNoSlot;           // kList, kEntry, kMap: the record property
    std::size_t item = 0;                 // kEntry, kTuple: its index in the list's items
    std::size_t next_property = 0;        // kRecord, kEntry: where the next key most likely is
    std::vector<std::string> other_keys;  // keys that are not schema properties, for duplicates
  };

  bool skipping() const { return strict_error.has_value(); }

  const ObjectRule& rule_of(const Frame& frame) const {
    if (frame.role == Role::kEntry) {
      return *schema_->properties[frame.list].items;
    }
    return *schema_;
  }

  RawObject& object_of(const Frame& frame) {
    if (frame.role == Role::kEntry) {
      return raw_.values[frame.list].items[frame.item];
    }
    return raw_;
  }

  // Where the value after the frame's last key goes, or nullptr when nowhere.
  RawValue* slot_value(const Frame& frame) {
    if (frame.slot == kNoSlot) {
      return nullptr;
    }
    if (frame.role == Role::kMap) {
      return &raw_.values[frame.list].pairs[frame.slot].value;
    }
    if (frame.role != Role::kRecord && frame.role != Role::kEntry) {
      return nullptr;
    }
    return &object_of(frame).values[frame.slot];
  }

  // One more pair of a map: its index in the map's pairs, or kNoSlot once the map is
  // past its maxProperties (the rest are only counted, as a list's items are).
  std::size_t new_pair(const Frame& map_frame, std::string_view key) {
    RawValue& map = raw_.values[map_frame.list];
    ++map.length;
    const PropertyRule& rule = schema_->properties[map_frame.list];
    if (rule.max_properties && map.pair_count >= *rule.max_properties) {
      return kNoSlot;
    }
    if (map.pair_count == map.pairs.size()) {
      map.pairs.emplace_back();
    }
    RawPair& pair = map.pairs[map.pair_count];
    pair.key.assign(key);
    pair.value.kind = Kind::kAbsent;
    return map.pair_count++;
  }

  // One more element of a list, kept unless the list is already past its maxItems
  // (the rest are only counted: the answer is then "too many", whatever they hold).
  RawItem* new_item(const Frame& list_frame, Kind kind) {
    RawValue& list = raw_.values[list_frame.list];
    ++list.length;
    const PropertyRule& rule = schema_->properties[list_frame.list];
    if (rule.max_items && list.item_count >= *rule.max_items) {
      return nullptr;
    }
    if (list.item_count == list.items.size()) {
      list.items.emplace_back();
    }
    RawItem& item = list.items[list.item_count++];
    item.kind = kind;
    item.values.resize(rule.items->properties.size());
    for (auto& value : item.values) {
      value.kind = Kind::kAbsent;
    }
    item.first_unknown.reset();
    item.length = 0;
    return &item;
  }

  // The next element of a compact entry (frame kTuple): counted, and where its value goes
  // while the entry has a property at that position, else nullptr.
  RawValue* tuple_value(const Frame& tuple) {
    RawItem& item = raw_.values[tuple.list].items[tuple.item];
    const std::size_t position = item.length++;
    return position < item.values.size() ? &item.values[position] : nullptr;
  }

  // Depth bookkeeping is all that is left once a strict error was found.
  bool open_container() {
    if (skipping()) {
      ++skipped_depth_;
      return false;
    }
    if (frames_.size() + 1 > schema_->limits.max_depth) {
      strict_error = make_error(
          *schema_, "invalid_json", std::nullopt,
          "the body nests deeper than " + std::to_string(schema_->limits.max_depth) + " levels");
      ++skipped_depth_;
      return false;
    }
    return true;
  }

  bool close_container() {
    if (skipped_depth_ > 0) {
      --skipped_depth_;
      return true;
    }
    return false;
  }

  void duplicate(std::string_view name) {
    strict_error = make_error(*schema_, "invalid_json", std::string(name),
                              "the key \"" + std::string(name) + "\" appears twice in one object");
  }

  void not_an_object() {
    Frame& array = frames_.back();
    const std::size_t index = array.count++;
    if (index >= schema_->limits.max_batch) {
      batch_too_large = true;
    } else if (!shape_error) {
      shape_error = make_error(*schema_, "invalid_record", std::nullopt,
                               "every element of the array must be a record object");
      shape_error->index = index;
    }
  }

  void mark_current_slot(Kind kind) {
    if (RawValue* value = slot_value(frames_.back())) {
      value->kind = kind;
    }
  }

  // The shape bookkeeping of one plain value; where it goes when a record or entry field
  // or a compact entry's position takes it (its kind set and its numbers zeroed, as a
  // fresh value), else nullptr.
  RawValue* scalar(Kind kind) {
    if (skipping()) {
      return nullptr;
    }
    if (frames_.empty()) {
      shape_error = make_error(*schema_, "invalid_record", std::nullopt,
                               "the body must be a record object or an array of them");
      return nullptr;
    }
    Frame& frame = frames_.back();
    RawValue* value = nullptr;
    if (frame.role == Role::kTuple) {
      value = tuple_value(frame);
    } else if (!frame.is_object) {
      if (frames_.size() == 1) {
        not_an_object();
      } else if (frame.role == Role::kList) {
        new_item(frame, kind);  // an element that is not an object
      }
      return nullptr;
    } else {
      value = slot_value(frame);
    }
    if (value) {
      value->kind = kind;
      value->integer = 0;
      value->unsigned_integer = 0;
      value->number = 0;
      if (kind != Kind::kString) {
        value->text.clear();
      }
    }
    frame.slot = kNoSlot;
    return value;
  }

  const ContractSchema* schema_ = nullptr;
  std::vector<Frame> frames_;
  std::size_t skipped_depth_ = 0;
  RawRecord raw_;
};

}  // namespace vmpulse::detail
