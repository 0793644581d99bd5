#include "vmpulse/flags.hpp"

#include <charconv>
#include <cstdlib>

namespace vmpulse::flags {

std::optional<std::string> from_environment(std::string_view name) {
  // Read once at start-up, before any other thread exists.
  const char* value = std::getenv(std::string(name).c_str());  // NOLINT(concurrency-mt-unsafe)
  if (value == nullptr) {
    return std::nullopt;
  }
  return std::string(value);
}

const Value* Parsed::find(std::string_view flag) const {
  const auto it = values.find(flag);
  return it == values.end() ? nullptr : &it->second;
}

std::variant<Parsed, std::string> collect(std::span<const Spec> specs,
                                          const std::vector<std::string>& args,
                                          const EnvLookup& env) {
  Parsed parsed;
  for (const Spec& spec : specs) {
    if (auto text = env(spec.env); text && !text->empty()) {
      parsed.values[spec.flag] = {{*text}, std::string(spec.env), false};
    }
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      parsed.help = true;
      return parsed;
    }
    std::string text;
    bool has_inline = false;
    if (const auto eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
      text = std::string(arg.substr(eq + 1));
      arg = arg.substr(0, eq);
      has_inline = true;
    }
    const Spec* spec = nullptr;
    for (const Spec& candidate : specs) {
      if (candidate.flag == arg) {
        spec = &candidate;
      }
    }
    if (spec == nullptr) {
      return "unknown argument \"" + std::string(arg) + "\" (see --help)";
    }
    if (!has_inline) {
      if (i + 1 >= args.size()) {
        return std::string(arg) + " needs a value";
      }
      text = args[++i];
    }
    Value& value = parsed.values[spec->flag];
    if (!value.from_flag) {
      value.texts.clear();  // flags replace the environment
    }
    value.from_flag = true;
    value.texts.push_back(std::move(text));
    value.source = std::string(arg);
  }
  return parsed;
}

std::variant<unsigned long long, std::string> count(const Value& value, unsigned long long low,
                                                    unsigned long long high) {
  const std::string& text = value.text();
  unsigned long long n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || n < low ||
      n > high) {
    return value.source + ": \"" + text + "\" is not a whole number from " + std::to_string(low) +
           " to " + std::to_string(high);
  }
  return n;
}

std::variant<std::chrono::milliseconds, std::string> duration(const Value& value,
                                                              std::chrono::milliseconds low,
                                                              std::chrono::milliseconds high) {
  auto parsed = parse_duration(value.text());
  if (auto* problem = std::get_if<std::string>(&parsed)) {
    return value.source + ": " + *problem;
  }
  const auto ms = std::get<std::chrono::milliseconds>(parsed);
  if (ms < low || ms > high) {
    return value.source + ": \"" + value.text() + "\" must be from " + std::to_string(low.count()) +
           "ms to " + std::to_string(high.count()) + "ms";
  }
  return ms;
}

std::variant<Endpoint, std::string> listen(const Parsed& parsed, const EnvLookup& env,
                                           unsigned short default_port) {
  std::string text = "0.0.0.0:" + std::to_string(default_port);
  std::string source = "default";
  if (const Value* given = parsed.find("--listen")) {
    text = given->text();
    source = given->source;
  } else if (auto port = env("PORT"); port && !port->empty()) {
    const Value as_value{{*port}, "PORT", false};
    if (std::holds_alternative<std::string>(count(as_value, 1, 65535))) {
      return "PORT: \"" + *port + "\" is not a port (1-65535)";
    }
    text = "0.0.0.0:" + *port;
    source = "PORT";
  }
  auto endpoint = parse_endpoint(text);
  if (auto* problem = std::get_if<std::string>(&endpoint)) {
    return source + ": " + *problem;
  }
  return std::get<Endpoint>(endpoint);
}

std::variant<DbUrl, std::string> db_url(const Parsed& parsed) {
  const Value* db = parsed.find("--db");
  if (db == nullptr) {
    return "no database: give --db mysql://user:pass@host:port/db or VMPULSE_DB_URL";
  }
  auto url = parse_db_url(db->text());
  // The parser's message may quote the URL (and its password); say only where it came from.
  if (auto* problem = std::get_if<std::string>(&url)) {
    return db->source + ": " + *problem;
  }
  return std::get<DbUrl>(url);
}

}  // namespace vmpulse::flags
