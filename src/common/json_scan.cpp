// A validating single-pass JSON scanner: strict RFC 8259 syntax, bounded nesting depth.
#include "litellm/common/json_scan.hpp"

#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <nlohmann/json.hpp>

namespace litellm::json {
namespace {

constexpr int kMaxDepth = 256;

class Scanner {
 public:
  explicit Scanner(std::string_view t)
      : p_(t.data()), begin_(t.data()), end_(t.data() + t.size()) {}

  bool fail(const char* what) {
    if (error_.empty()) error_ = std::string(what) + " at offset " + std::to_string(p_ - begin_);
    return false;
  }
  void ws() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }
  bool at_end() {
    ws();
    return p_ == end_;
  }

  bool string() {
    if (p_ >= end_ || *p_ != '"') return fail("expected string");
    ++p_;
    while (true) {
      const void* q = std::memchr(p_, '"', end_ - p_);
      if (q == nullptr) return fail("unterminated string");
      const char* quote = static_cast<const char*>(q);
      // Validate the run up to the quote: control characters and escapes.
      for (const char* c = p_; c < quote; ++c) {
        auto u = static_cast<unsigned char>(*c);
        if (u < 0x20) {
          p_ = c;
          return fail("control character in string");
        }
        if (*c == '\\') {
          ++c;
          if (c >= end_) return fail("bad escape");
          switch (*c) {
            case '"':
            case '\\':
            case '/':
            case 'b':
            case 'f':
            case 'n':
            case 'r':
            case 't':
              break;
            case 'u':
              for (int i = 0; i < 4; ++i) {
                ++c;
                if (c >= end_ || !std::isxdigit(static_cast<unsigned char>(*c))) {
                  p_ = c;
                  return fail("bad \\u escape");
                }
              }
              break;
            default:
              p_ = c;
              return fail("bad escape");
          }
          if (c >= quote) {  // the escape consumed the quote we found: keep looking
            quote = nullptr;
            p_ = c + 1;
            break;
          }
        }
      }
      if (quote != nullptr) {
        p_ = quote + 1;
        return true;
      }
    }
  }

  bool number() {
    const char* s = p_;
    if (p_ < end_ && *p_ == '-') ++p_;
    if (p_ >= end_) return fail("bad number");
    if (*p_ == '0') {
      ++p_;
    } else if (*p_ >= '1' && *p_ <= '9') {
      while (p_ < end_ && std::isdigit(static_cast<unsigned char>(*p_))) ++p_;
    } else {
      return fail("bad number");
    }
    if (p_ < end_ && *p_ == '.') {
      ++p_;
      if (p_ >= end_ || !std::isdigit(static_cast<unsigned char>(*p_))) return fail("bad number");
      while (p_ < end_ && std::isdigit(static_cast<unsigned char>(*p_))) ++p_;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ >= end_ || !std::isdigit(static_cast<unsigned char>(*p_))) return fail("bad number");
      while (p_ < end_ && std::isdigit(static_cast<unsigned char>(*p_))) ++p_;
    }
    return p_ > s;
  }

  bool literal(std::string_view word) {
    if (static_cast<size_t>(end_ - p_) < word.size() || std::string_view(p_, word.size()) != word)
      return fail("invalid literal");
    p_ += word.size();
    return true;
  }

  bool value(int depth) {
    ws();
    if (p_ >= end_) return fail("unexpected end");
    switch (*p_) {
      case '{':
        return object(depth + 1, nullptr);
      case '[':
        return array(depth + 1);
      case '"':
        return string();
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default:
        if (*p_ == '-' || (*p_ >= '0' && *p_ <= '9')) return number();
        return fail("unexpected character");
    }
  }

  bool array(int depth) {
    if (depth > kMaxDepth) return fail("nesting too deep");
    ++p_;  // [
    ws();
    if (p_ < end_ && *p_ == ']') {
      ++p_;
      return true;
    }
    while (true) {
      if (!value(depth)) return false;
      ws();
      if (p_ >= end_) return fail("unterminated array");
      if (*p_ == ',') {
        ++p_;
        continue;
      }
      if (*p_ == ']') {
        ++p_;
        return true;
      }
      return fail("expected , or ]");
    }
  }

  bool object(int depth, std::vector<Member>* out) {
    if (depth > kMaxDepth) return fail("nesting too deep");
    ++p_;  // {
    ws();
    if (p_ < end_ && *p_ == '}') {
      ++p_;
      return true;
    }
    while (true) {
      ws();
      const char* ks = p_;
      if (!string()) return false;
      std::string_view key(ks + 1, p_ - ks - 2);
      ws();
      if (p_ >= end_ || *p_ != ':') return fail("expected :");
      ++p_;
      ws();
      const char* vs = p_;
      if (!value(depth)) return false;
      if (out != nullptr) out->push_back(Member{key, std::string_view(vs, p_ - vs)});
      ws();
      if (p_ >= end_) return fail("unterminated object");
      if (*p_ == ',') {
        ++p_;
        continue;
      }
      if (*p_ == '}') {
        ++p_;
        return true;
      }
      return fail("expected , or }");
    }
  }

  const char* p_;
  const char* begin_;
  const char* end_;
  std::string error_;
};

}  // namespace

bool scan_object(std::string_view text, std::vector<Member>& members, std::string& error) {
  members.clear();
  Scanner s(text);
  s.ws();
  if (s.p_ >= s.end_ || *s.p_ != '{') {
    error = "expected a JSON object";
    return false;
  }
  if (!s.object(1, &members) || !s.at_end()) {
    error = s.error_.empty() ? "trailing characters after JSON object" : s.error_;
    return false;
  }
  return true;
}

const Member* find(const std::vector<Member>& members, std::string_view key) {
  for (const auto& m : members)
    if (m.key == key) return &m;
  return nullptr;
}

std::optional<std::string> as_string(std::string_view raw) {
  if (raw.size() < 2 || raw.front() != '"') return std::nullopt;
  if (raw.find('\\') == std::string_view::npos) return std::string(raw.substr(1, raw.size() - 2));
  auto j = nlohmann::json::parse(raw, nullptr, false);
  if (!j.is_string()) return std::nullopt;
  return j.get<std::string>();
}

std::optional<bool> as_bool(std::string_view raw) {
  if (raw == "true") return true;
  if (raw == "false") return false;
  return std::nullopt;
}

namespace {

// The first byte of `s` that a JSON string cannot hold as is: a control character, '"', '\\', or
// any byte >= 0x80 (UTF-8, validated by the slow path). Sixteen bytes per step where SSE2 exists.
size_t first_special(std::string_view s) {
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i space = _mm_set1_epi8(0x20), quote = _mm_set1_epi8('"'),
                slash = _mm_set1_epi8('\\');
  for (; i + 16 <= s.size(); i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    // Signed compare: bytes >= 0x80 are negative, so "< 0x20" also catches them.
    const __m128i hit = _mm_or_si128(
        _mm_cmplt_epi8(v, space), _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, slash)));
    if (const int mask = _mm_movemask_epi8(hit))
      return i + static_cast<size_t>(__builtin_ctz(mask));
  }
#endif
  for (; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) return i;
  }
  return std::string_view::npos;
}

}  // namespace

void append_quoted(std::string& out, std::string_view s) {
  if (first_special(s) != std::string_view::npos) {
    // Escapes and UTF-8 validation (invalid bytes become U+FFFD), as json.dumps would.
    out += nlohmann::json(std::string(s))
               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  out.push_back('"');
  out.append(s);
  out.push_back('"');
}

std::string quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  append_quoted(out, s);
  return out;
}

std::string rebuild_object(const std::vector<Member>& members, const std::vector<Edit>& edits) {
  size_t estimate = 2;
  for (const auto& m : members) estimate += m.key.size() + m.value.size() + 4;
  for (const auto& e : edits)
    estimate += e.key.size() + (e.raw_value ? e.raw_value->size() : 0) + 4;
  std::string out;
  out.reserve(estimate);
  out.push_back('{');
  bool first = true;
  auto emit = [&](std::string_view k, std::string_view v) {
    if (!first) out.push_back(',');
    first = false;
    out.push_back('"');
    out.append(k);
    out.append("\":", 2);
    out.append(v);
  };
  std::vector<bool> used(edits.size(), false);
  for (const auto& m : members) {
    const Edit* edit = nullptr;
    for (size_t i = 0; i < edits.size(); ++i) {
      if (edits[i].key == m.key) {
        edit = &edits[i];
        used[i] = true;
        break;
      }
    }
    if (edit == nullptr) {
      emit(m.key, m.value);
    } else if (edit->raw_value) {
      emit(m.key, *edit->raw_value);
    }
  }
  for (size_t i = 0; i < edits.size(); ++i)
    if (!used[i] && edits[i].raw_value) emit(edits[i].key, *edits[i].raw_value);
  out.push_back('}');
  return out;
}

}  // namespace litellm::json
