// Targeted JSON: validate a document and list its top-level members without building a DOM.
// The hot path edits request bodies by splicing member spans (see docs/architecture.md).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace litellm::json {

struct Member {
  std::string_view key;    // raw key text between the quotes (escapes not decoded)
  std::string_view value;  // raw value text, exactly as in the document
};

// Parses `text` as a JSON object. On success fills `members` (in document order) and returns
// true; on failure returns false and sets `error` to a short description with the offset.
bool scan_object(std::string_view text, std::vector<Member>& members, std::string& error);

const Member* find(const std::vector<Member>& members, std::string_view key);

// Decodes a raw JSON string value (with quotes); nullopt if `raw` is not a string.
std::optional<std::string> as_string(std::string_view raw);
// true/false literals; nullopt otherwise.
std::optional<bool> as_bool(std::string_view raw);

// Encodes `s` as a JSON string literal (with quotes).
std::string quote(std::string_view s);
// Appends quote(s) to `out`; plain ASCII without escapes is copied directly (no allocation).
void append_quoted(std::string& out, std::string_view s);

// Rebuilds an object from members with edits: `replace` gives new raw values by key (nullopt
// deletes the member), `append` adds raw members at the end (only when the key was absent).
struct Edit {
  std::string_view key;
  std::optional<std::string> raw_value;  // nullopt = delete
};
std::string rebuild_object(const std::vector<Member>& members, const std::vector<Edit>& edits);

}  // namespace litellm::json
