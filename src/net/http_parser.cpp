#include "litellm/net/http_parser.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace litellm::net {
namespace {

using boost::beast::http::error;

constexpr std::uint32_t kChunkLineLimit = 4096;    // a chunk's size line with its extensions
constexpr std::uint64_t kReserveLimit = 8u << 20;  // room reserved ahead for a declared body
constexpr size_t kUnknownLengthRoom = 4096;  // and for a chunked body or one that runs to the close

bool is_ctl(unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7f; }

// The first control character other than HTAB (or DEL) at or after `p`, else `end`: in a
// well-formed head, the CR that ends the line.
const char* find_ctl(const char* p, const char* end) {
#if defined(__SSE2__)
  const __m128i flip = _mm_set1_epi8(static_cast<char>(0x80));
  const __m128i below = _mm_set1_epi8(static_cast<char>(0x20 ^ 0x80));  // unsigned c < 0x20
  const __m128i tab = _mm_set1_epi8('\t');
  const __m128i del = _mm_set1_epi8(0x7f);
  for (; end - p >= 16; p += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i ctl = _mm_cmplt_epi8(_mm_xor_si128(v, flip), below);
    ctl = _mm_or_si128(_mm_andnot_si128(_mm_cmpeq_epi8(v, tab), ctl), _mm_cmpeq_epi8(v, del));
    if (const int m = _mm_movemask_epi8(ctl)) return p + __builtin_ctz(static_cast<unsigned>(m));
  }
#endif
  for (; p < end; ++p)
    if (is_ctl(static_cast<unsigned char>(*p))) return p;
  return end;
}

// RFC 9110 tchar: the characters of a method or a field name.
constexpr std::array<bool, 256> kToken = [] {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = t[c - 32] = true;
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) t[static_cast<unsigned char>(c)] = true;
  return t;
}();

// The length of the token `s` starts with. Names are mostly letters, digits and '-': sixteen of
// those are checked per SSE2 step, the rest of RFC 9110's token characters one at a time.
size_t token_length(std::string_view s) {
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i case_bit = _mm_set1_epi8(0x20);
  const __m128i flip = _mm_set1_epi8(static_cast<char>(0x80));
  for (; s.size() - i >= 16; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    // unsigned x - lo < n, as a signed compare of (x - lo) ^ 0x80 against n ^ 0x80
    const auto in_range = [&flip](__m128i x, char lo, char n) {
      return _mm_cmplt_epi8(_mm_xor_si128(_mm_sub_epi8(x, _mm_set1_epi8(lo)), flip),
                            _mm_set1_epi8(static_cast<char>(n ^ 0x80)));
    };
    const __m128i common = _mm_or_si128(
        _mm_or_si128(in_range(_mm_or_si128(v, case_bit), 'a', 26), in_range(v, '0', 10)),
        _mm_cmpeq_epi8(v, _mm_set1_epi8('-')));
    const unsigned other = ~static_cast<unsigned>(_mm_movemask_epi8(common)) & 0xffffu;
    if (other != 0) {
      i += static_cast<size_t>(__builtin_ctz(other));
      break;
    }
  }
#endif
  while (i < s.size() && kToken[static_cast<unsigned char>(s[i])]) ++i;
  return i;
}

// `s` equals `lower` (lower-case letters and '-') ignoring case: for token characters, setting the
// 0x20 bit maps exactly the two cases of a letter onto the lower one, and '-' onto itself.
template <size_t N>
bool is_name(std::string_view s, const char (&lower)[N]) {
  static_assert(N - 1 >= 8);
  if (s.size() != N - 1) return false;
  const auto word = [](const char* p) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    return w;
  };
  constexpr std::uint64_t kCase = 0x2020202020202020ull;
  for (size_t i = 0; i + 8 < N - 1; i += 8)
    if ((word(s.data() + i) | kCase) != word(lower + i)) return false;
  return (word(s.data() + N - 9) | kCase) == word(lower + N - 9);  // the last eight, overlapping
}

// "HTTP/1.x" as 10 + x; 0 when it is not HTTP/1.
unsigned http_version(std::string_view s) {
  if (s.size() != 8 || s.substr(0, 7) != "HTTP/1." || s[7] < '0' || s[7] > '9') return 0;
  return 10u + static_cast<unsigned>(s[7] - '0');
}

// Calls `each` with every element of a comma-separated list, trimmed, empty ones skipped.
template <class Each>
void for_each_element(std::string_view list, Each each) {
  while (!list.empty()) {
    const size_t comma = list.find(',');
    const std::string_view item = trim(list.substr(0, comma));
    if (!item.empty()) each(item);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(c | 0x20);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

}  // namespace

HttpParser::HttpParser(bool request, ParsedHead& head, std::string* body)
    : head_(head), body_(body), request_(request) {
  head_.reset();
}

bool HttpParser::keep_alive() const {
  if (to_eof_) return false;
  if (head_.version >= 11) return !close_;
  return keep_alive_ && !close_;
}

void HttpParser::take_body(const char* p, size_t n) {
  if (body_) body_->append(p, n);
  body_taken_ += n;
}

size_t HttpParser::put(std::string_view data, error_code& ec) {
  ec = {};
  const char* const begin = data.data();
  const char* const end = begin + data.size();
  const char* p = begin;
  if (p != end) got_some_ = true;
  for (;;) {
    switch (state_) {
      case State::kStart:
      case State::kFields:
      case State::kChunkSize:
      case State::kTrailer: {
        const bool chunk_line = state_ == State::kChunkSize;
        const std::uint32_t limit = chunk_line ? kChunkLineLimit : header_limit_;
        const char* cr = find_ctl(p, end);
        if (cr == end || (*cr == '\r' && cr + 1 == end)) {  // the line is not complete yet
          if (head_bytes_ + static_cast<size_t>(end - p) > limit)
            ec = chunk_line ? error::bad_chunk : error::header_limit;
          else
            ec = error::need_more;
          return static_cast<size_t>(p - begin);
        }
        if (cr[0] != '\r' || cr[1] != '\n') {
          if (cr[0] == '\r' || cr[0] == '\n')
            ec = error::bad_line_ending;
          else if (state_ == State::kStart)
            ec = request_ ? error::bad_target : error::bad_reason;
          else
            ec = chunk_line ? error::bad_chunk_extension : error::bad_value;
          return static_cast<size_t>(p - begin);
        }
        const size_t n = static_cast<size_t>(cr + 2 - p);
        if (head_bytes_ + n > limit) {
          ec = chunk_line ? error::bad_chunk : error::header_limit;
          return static_cast<size_t>(p - begin);
        }
        head_bytes_ += static_cast<std::uint32_t>(n);
        const std::string_view line(p, static_cast<size_t>(cr - p));
        p = cr + 2;
        switch (state_) {
          case State::kStart:
            if (!(line.empty() && request_)) start_line(line, ec);  // CRLFs before a request
            break;
          case State::kFields:
            if (line.empty())
              header_done(ec);
            else
              field(line, ec);
            break;
          case State::kChunkSize:
            chunk_size(line, ec);
            break;
          default:  // a trailer field: not kept
            if (line.empty()) state_ = State::kDone;
            break;
        }
        if (ec) return static_cast<size_t>(p - begin);
        break;
      }
      case State::kBody:
      case State::kChunkData: {
        const size_t n = static_cast<size_t>(
            std::min<std::uint64_t>(static_cast<std::uint64_t>(end - p), remaining_));
        take_body(p, n);
        p += n;
        remaining_ -= n;
        if (remaining_ > 0) {
          ec = error::need_more;
          return static_cast<size_t>(p - begin);
        }
        state_ = state_ == State::kBody ? State::kDone : State::kChunkEnd;
        break;
      }
      case State::kChunkEnd:
        if (end - p < 2) {
          ec = error::need_more;
          return static_cast<size_t>(p - begin);
        }
        if (p[0] != '\r' || p[1] != '\n') {
          ec = error::bad_chunk;
          return static_cast<size_t>(p - begin);
        }
        p += 2;
        state_ = State::kChunkSize;
        head_bytes_ = 0;
        break;
      case State::kToEof: {
        const size_t n = static_cast<size_t>(end - p);
        if (!body_fits(n)) {
          ec = error::body_limit;
          return static_cast<size_t>(p - begin);
        }
        take_body(p, n);
        ec = error::need_more;
        return data.size();
      }
      case State::kDone:
        return static_cast<size_t>(p - begin);
    }
  }
}

void HttpParser::put_eof(error_code& ec) {
  ec = {};
  if (state_ == State::kToEof)
    state_ = State::kDone;
  else if (state_ != State::kDone)
    ec = got_some_ ? error::partial_message : error::end_of_stream;
}

void HttpParser::start_line(std::string_view line, error_code& ec) {
  if (request_) {
    // method SP request-target SP HTTP-version
    const size_t m = token_length(line);
    if (m == 0 || m == line.size() || line[m] != ' ') {
      ec = error::bad_method;
      return;
    }
    const std::string_view rest = line.substr(m + 1);
    const size_t sp = rest.find(' ');
    if (sp == 0 || sp == std::string_view::npos || rest.substr(0, sp).find('\t') != rest.npos) {
      ec = error::bad_target;
      return;
    }
    head_.version = http_version(rest.substr(sp + 1));
    if (head_.version == 0) {
      ec = error::bad_version;
      return;
    }
    method_ = {head_.keep(line.substr(0, m)), static_cast<std::uint32_t>(m)};
    target_ = {head_.keep(rest.substr(0, sp)), static_cast<std::uint32_t>(sp)};
  } else {
    // HTTP-version SP 3DIGIT SP reason-phrase (the space and reason tolerated when missing)
    head_.version = http_version(line.substr(0, 8));
    if (head_.version == 0 || line.size() < 9 || line[8] != ' ') {
      ec = error::bad_version;
      return;
    }
    int status = 0;
    const auto digits = line.substr(9, 3);
    const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), status);
    if (digits.size() != 3 || r.ptr != digits.data() + 3 || status < 100) {
      ec = error::bad_status;
      return;
    }
    if (line.size() > 12 && line[12] != ' ') {
      ec = error::bad_reason;
      return;
    }
    head_.status = status;
  }
  state_ = State::kFields;
}

void HttpParser::field(std::string_view line, error_code& ec) {
  if (line.front() == ' ' || line.front() == '\t') {  // obs-fold: continues the previous line
    if (request_ || !head_.extend_last(trim(line))) ec = error::bad_obs_fold;
    return;
  }
  const size_t n = token_length(line);
  if (n == 0 || n == line.size() || line[n] != ':') {  // no space allowed before the colon
    ec = error::bad_field;
    return;
  }
  const std::string_view name = line.substr(0, n);
  const std::string_view value = trim(line.substr(n + 1));
  switch (n) {
    case 10:
      if (is_name(name, "connection"))
        for_each_element(value, [this](std::string_view t) {
          if (iequals(t, "close")) close_ = true;
          if (iequals(t, "keep-alive")) keep_alive_ = true;
        });
      break;
    case 14:
      if (is_name(name, "content-length")) {
        bool bad = value.empty();
        for_each_element(value, [&](std::string_view t) {
          std::uint64_t v = 0;
          const auto r = std::from_chars(t.data(), t.data() + t.size(), v);
          if (r.ec != std::errc{} || r.ptr != t.data() + t.size() ||
              (content_length_ && *content_length_ != v))
            bad = true;
          else
            content_length_ = v;
        });
        if (bad) {
          ec = error::bad_content_length;
          return;
        }
      }
      break;
    case 17:
      if (is_name(name, "transfer-encoding")) {
        codings_ = true;
        for_each_element(value, [this](std::string_view t) {
          if (chunked_) chunked_early_ = true;  // chunked must be the last coding
          chunked_ = iequals(trim(t.substr(0, t.find(';'))), "chunked");
        });
      }
      break;
    default:
      break;
  }
  head_.add_field(line, name, value);
}

void HttpParser::header_done(error_code& ec) {
  head_.seal(method_[0], method_[1], target_[0], target_[1]);
  if (request_) {
    // RFC 9112 6.3: a request whose codings do not end in chunked has no knowable length; one with
    // both a coding and a length is how requests are smuggled past a proxy.
    if (codings_ && (content_length_ || !chunked_ || chunked_early_)) {
      ec = error::bad_transfer_encoding;
      return;
    }
    if (chunked_)
      state_ = State::kChunkSize;
    else if (content_length_.value_or(0) > 0)
      state_ = State::kBody;
    else
      state_ = State::kDone;
  } else if (head_.status < 200 || head_.status == 204 || head_.status == 304) {
    chunked_ = false;
    state_ = State::kDone;
  } else if (codings_) {
    chunked_ = chunked_ && !chunked_early_;
    state_ = chunked_ ? State::kChunkSize : State::kToEof;
  } else if (content_length_) {
    state_ = *content_length_ > 0 ? State::kBody : State::kDone;
  } else {
    state_ = State::kToEof;
  }
  to_eof_ = state_ == State::kToEof;
  head_bytes_ = 0;
  if (state_ == State::kBody) {
    remaining_ = *content_length_;
    if (!body_fits(remaining_)) {
      ec = error::body_limit;
      return;
    }
    if (body_) body_->reserve(body_->size() + std::min(remaining_, kReserveLimit));
  } else if (body_ && (state_ == State::kChunkSize || state_ == State::kToEof)) {
    // A body of unknown length (a stream, mostly) starts with room for a few reads' events, not
    // with a string that doubles from empty: about six reallocations per stream otherwise.
    body_->reserve(body_->size() + kUnknownLengthRoom);
  }
}

void HttpParser::chunk_size(std::string_view line, error_code& ec) {
  std::uint64_t n = 0;
  size_t i = 0;
  for (int d; i < line.size() && (d = hex_digit(line[i])) >= 0; ++i) {
    if (i == 15) {  // more than 15 hex digits: beyond any body we would take
      ec = error::bad_chunk;
      return;
    }
    n = n * 16 + static_cast<std::uint64_t>(d);
  }
  const std::string_view rest = trim(line.substr(i));
  if (i == 0 || !(rest.empty() || rest.front() == ';')) {
    ec = i == 0 ? error::bad_chunk : error::bad_chunk_extension;
    return;
  }
  if (n == 0) {
    state_ = State::kTrailer;
    head_bytes_ = 0;
    return;
  }
  if (!body_fits(n)) {
    ec = error::body_limit;
    return;
  }
  remaining_ = n;
  state_ = State::kChunkData;
}

}  // namespace litellm::net
