// HTML: visible text, links and XPath fields of a fetched page (libxml2).
//
// A page is parsed once (HtmlPage::Parse) from its raw bytes. The charset is
// taken from the HTTP Content-Type header if it names one, else from a byte
// order mark, else from a <meta charset> / <meta http-equiv> in the first
// bytes, else UTF-8 if the bytes are valid UTF-8, else windows-1252 (what
// browsers assume); the bytes are converted to UTF-8 (ICU) before parsing, so
// every string this module returns is valid UTF-8.
//
// VisibleText() is what a reader sees: the text of <body> (and <title> is
// not part of it) without <script>, <style>, <noscript>, <template>, <head>,
// elements with the `hidden` attribute, with aria-hidden="true", or with an
// inline style of display:none or visibility:hidden. Block elements and <br>
// separate words; entities are decoded by the parser; white space is
// collapsed to single spaces (text.h NormalizeSpace).
//
// Links() are the href of <a> and <area> elements, resolved against the page
// URL (or <base href>), without #fragment, http and https only, in document
// order without duplicates.
//
// XPath fields: XPathField compiles an expression once (a bad expression is a
// Status naming it); Eval() returns the normalised text of the result: for a
// node set, each node's text joined by ";" (empty nodes left out); for a
// string, number or boolean, its string value.
//
// Example:
//   auto page = HtmlPage::Parse(body, "text/html; charset=utf-8", url);
//   if (!page.ok()) ...
//   std::string text = page->VisibleText();
//   auto title = XPathField::Compile("//h1");
//   std::string t = title->Eval(*page);
//
// Thread-safety: an HtmlPage and an XPathField may be used from one thread at
// a time; distinct objects from distinct threads.
#ifndef KARTA_LIB_HTML_H_
#define KARTA_LIB_HTML_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lib/status.h"

namespace karta {

// Returns the lower-case charset named by a Content-Type value
// ("text/html; charset=ISO-8859-1" -> "iso-8859-1"), or "" if none.
std::string CharsetFromContentType(std::string_view content_type);

// Returns the charset a <meta> tag in the first 4 KiB of `html` declares, or "".
std::string CharsetFromMeta(std::string_view html);

// Converts `bytes` in `charset` to UTF-8. An unknown charset is an error;
// bytes that do not convert become U+FFFD.
Result<std::string> ToUtf8(std::string_view bytes, std::string_view charset);

// Resolves `href` against `base`; returns "" if the result is not an http(s)
// URL. The fragment is dropped.
std::string ResolveUrl(std::string_view base, std::string_view href);

// True iff `content_type` (a Content-Type value, possibly empty) is HTML.
bool IsHtmlContentType(std::string_view content_type);

// The links of a page (as HtmlPage::Links) found by a streaming (SAX) pass
// that builds no document tree: for listing pages that only feed the crawl
// frontier, where a page of 100,000 links would otherwise cost a large tree.
std::vector<std::string> ScanLinks(std::string_view body, std::string_view content_type,
                                   std::string_view url);

// libxml2's limit on nested elements; a deeper page is a Data error from
// HtmlPage::Parse naming it (not an empty page).
inline constexpr int kMaxDomDepth = 256;

class HtmlPage {
 public:
  // Parses `body` whose HTTP Content-Type was `content_type` ("" if unknown);
  // `url` is the page's final URL, used to resolve links.
  static Result<HtmlPage> Parse(std::string_view body, std::string_view content_type,
                                std::string_view url);
  HtmlPage(HtmlPage&&) noexcept;
  HtmlPage& operator=(HtmlPage&&) noexcept;
  ~HtmlPage();

  // The charset the page was decoded from ("utf-8", "windows-1252", ...).
  const std::string& charset() const { return charset_; }
  std::string Title() const;
  std::string VisibleText() const;
  std::vector<std::string> Links() const;

  // The parsed document (an htmlDocPtr); for XPathField.
  void* doc() const { return doc_; }

 private:
  HtmlPage() = default;
  void* doc_ = nullptr;
  std::string base_;
  std::string charset_;
};

class XPathField {
 public:
  static Result<XPathField> Compile(std::string_view expr);
  XPathField(XPathField&&) noexcept;
  XPathField& operator=(XPathField&&) noexcept;
  ~XPathField();
  std::string Eval(const HtmlPage& page) const;
  const std::string& expr() const { return expr_; }

 private:
  XPathField() = default;
  void* comp_ = nullptr;
  std::string expr_;
};

}  // namespace karta

#endif  // KARTA_LIB_HTML_H_
