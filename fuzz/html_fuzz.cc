// libFuzzer target: HTML parsing, visible text, links, and XPath fields.
// The first line of the input is an XPath expression, the rest the page.
#include <cstdint>
#include <string>
#include <string_view>

#include "lib/html.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t nl = in.find('\n');
  std::string_view xpath = nl == std::string_view::npos ? std::string_view() : in.substr(0, nl);
  std::string_view body = nl == std::string_view::npos ? in : in.substr(nl + 1);
  karta::ScanLinks(body, "text/html", "https://a.example/dir/page.html");
  auto page = karta::HtmlPage::Parse(body, "text/html", "https://a.example/dir/page.html");
  if (!page.ok()) return 0;
  page->Title();
  page->VisibleText();
  page->Links();
  if (!xpath.empty()) {
    auto field = karta::XPathField::Compile(xpath);
    if (field.ok()) field->Eval(*page);
  }
  return 0;
}
