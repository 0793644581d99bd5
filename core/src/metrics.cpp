#include "vmpulse/metrics.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace vmpulse::metrics {
namespace {

bool valid_name(std::string_view name, bool allow_colon) {
  if (name.empty()) {
    return false;
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) {
      return false;
    }
  }
  return true;
}

// Label values and HELP text escape backslash and newline; label values also '"'.
void append_escaped(std::string& out, std::string_view text, bool quote) {
  for (const char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quote && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

void append_value(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else {
    out += fmt::format("{}", value);
  }
}

// name{labels,extra} value
void append_sample(std::string& out, std::string_view name, std::string_view labels,
                   std::string_view extra, std::string_view value) {
  out += name;
  if (!labels.empty() || !extra.empty()) {
    out += '{';
    out += labels;
    if (!labels.empty() && !extra.empty()) {
      out += ',';
    }
    out += extra;
    out += '}';
  }
  out += ' ';
  out += value;
  out += '\n';
}

std::string number(double value) {
  std::string text;
  append_value(text, value);
  return text;
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      counts_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    if (!std::isfinite(bounds_[i]) || (i > 0 && bounds_[i] <= bounds_[i - 1])) {
      throw std::invalid_argument("histogram bounds must be finite and strictly increasing");
    }
  }
}

std::vector<std::uint64_t> Histogram::cumulative_counts() const {
  std::vector<std::uint64_t> counts(bounds_.size() + 1);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    total += counts_[i].load(std::memory_order_relaxed);
    counts[i] = total;
  }
  return counts;
}

std::vector<double> duration_buckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

Registry::Series& Registry::add_series(std::string_view name, std::string_view help, Type type,
                                       const Labels& labels) {
  if (!valid_name(name, true)) {
    throw std::invalid_argument(fmt::format("bad metric name \"{}\"", name));
  }
  std::vector<std::string> label_names;
  std::string rendered;
  for (const auto& [label, value] : labels) {
    // "le" is the histogram's own label; names starting "__" are reserved.
    if (!valid_name(label, false) || label.starts_with("__") || label == "le") {
      throw std::invalid_argument(fmt::format("{}: bad label name \"{}\"", name, label));
    }
    label_names.push_back(label);
    if (!rendered.empty()) {
      rendered += ',';
    }
    rendered += label;
    rendered += "=\"";
    append_escaped(rendered, value, true);
    rendered += '"';
  }
  Family* family = nullptr;
  for (Family& existing : families_) {
    if (existing.name == name) {
      family = &existing;
    }
  }
  if (family == nullptr) {
    family = &families_.emplace_back(
        Family{std::string(name), std::string(help), type, label_names, {}});
  } else if (family->type != type || family->help != help || family->label_names != label_names) {
    throw std::invalid_argument(
        fmt::format("{}: registered again with another type, help or label names", name));
  }
  for (const Series& series : family->series) {
    if (series.labels == rendered) {
      throw std::invalid_argument(fmt::format("{}{{{}}}: registered twice", name, rendered));
    }
  }
  Series& series = family->series.emplace_back();
  series.labels = std::move(rendered);
  return series;
}

Counter& Registry::counter(std::string_view name, std::string_view help, const Labels& labels,
                           Show show) {
  const std::lock_guard lock(mutex_);
  Series& series = add_series(name, help, Type::counter, labels);
  series.counter = &counters_.emplace_back();
  series.show = show;
  return counters_.back();
}

Gauge& Registry::gauge(std::string_view name, std::string_view help, const Labels& labels) {
  const std::lock_guard lock(mutex_);
  Series& series = add_series(name, help, Type::gauge, labels);
  series.gauge = &gauges_.emplace_back();
  return gauges_.back();
}

Histogram& Registry::histogram(std::string_view name, std::string_view help,
                               std::vector<double> bounds, const Labels& labels) {
  const std::lock_guard lock(mutex_);
  Histogram& histogram = histograms_.emplace_back(std::move(bounds));
  try {
    add_series(name, help, Type::histogram, labels).histogram = &histogram;
  } catch (...) {
    histograms_.pop_back();
    throw;
  }
  return histogram;
}

void Registry::gauge_function(std::string_view name, std::string_view help,
                              std::function<double()> read, const Labels& labels) {
  const std::lock_guard lock(mutex_);
  add_series(name, help, Type::gauge, labels).read = std::move(read);
}

void Registry::counter_function(std::string_view name, std::string_view help,
                                std::function<std::uint64_t()> read, const Labels& labels) {
  const std::lock_guard lock(mutex_);
  add_series(name, help, Type::counter, labels).read_count = std::move(read);
}

void Registry::float_counter_function(std::string_view name, std::string_view help,
                                      std::function<double()> read, const Labels& labels) {
  const std::lock_guard lock(mutex_);
  add_series(name, help, Type::counter, labels).read = std::move(read);
}

std::string Registry::render() const {
  const std::lock_guard lock(mutex_);
  std::string out;
  out.reserve(4096);
  for (const Family& family : families_) {
    out += "# HELP ";
    out += family.name;
    out += ' ';
    append_escaped(out, family.help, false);
    out += "\n# TYPE ";
    out += family.name;
    out += family.type == Type::counter ? " counter\n"
           : family.type == Type::gauge ? " gauge\n"
                                        : " histogram\n";
    for (const Series& series : family.series) {
      if (series.counter != nullptr) {
        const std::uint64_t value = series.counter->value();
        if (value != 0 || series.show == Show::always) {
          append_sample(out, family.name, series.labels, "", std::to_string(value));
        }
      } else if (series.read_count) {
        append_sample(out, family.name, series.labels, "", std::to_string(series.read_count()));
      } else if (series.gauge != nullptr || series.read) {
        const double value = series.gauge != nullptr ? series.gauge->value() : series.read();
        append_sample(out, family.name, series.labels, "", number(value));
      } else if (series.histogram != nullptr) {
        const Histogram& h = *series.histogram;
        const auto counts = h.cumulative_counts();
        const std::string bucket = family.name + "_bucket";
        for (std::size_t i = 0; i < h.bounds().size(); ++i) {
          append_sample(out, bucket, series.labels, "le=\"" + number(h.bounds()[i]) + "\"",
                        std::to_string(counts[i]));
        }
        append_sample(out, bucket, series.labels, "le=\"+Inf\"", std::to_string(counts.back()));
        append_sample(out, family.name + "_sum", series.labels, "", number(h.sum()));
        append_sample(out, family.name + "_count", series.labels, "",
                      std::to_string(counts.back()));
      }
    }
  }
  return out;
}

}  // namespace vmpulse::metrics
