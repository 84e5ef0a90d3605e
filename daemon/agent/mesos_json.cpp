#include "agent/mesos_json.h"

#include <charconv>
#include <cstring>

#include <google/protobuf/descriptor.pb.h>
#include <nlohmann/json.hpp>

namespace airlock::agent {
namespace {

namespace pb = google::protobuf;
using OrderedJson = nlohmann::ordered_json;
using Json = nlohmann::json;

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

OrderedJson scalarToJson(const pb::Message& m, const pb::FieldDescriptor* f, int index) {
  const pb::Reflection* r = m.GetReflection();
  bool rep = f->is_repeated();
  switch (f->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_INT32:
      return rep ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f);
    case pb::FieldDescriptor::CPPTYPE_INT64:
      return rep ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f);
    case pb::FieldDescriptor::CPPTYPE_UINT32:
      return rep ? r->GetRepeatedUInt32(m, f, index) : r->GetUInt32(m, f);
    case pb::FieldDescriptor::CPPTYPE_UINT64:
      return rep ? r->GetRepeatedUInt64(m, f, index) : r->GetUInt64(m, f);
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
      return rep ? r->GetRepeatedDouble(m, f, index) : r->GetDouble(m, f);
    case pb::FieldDescriptor::CPPTYPE_FLOAT:
      return rep ? r->GetRepeatedFloat(m, f, index) : r->GetFloat(m, f);
    case pb::FieldDescriptor::CPPTYPE_BOOL:
      return rep ? r->GetRepeatedBool(m, f, index) : r->GetBool(m, f);
    case pb::FieldDescriptor::CPPTYPE_ENUM:
      return (rep ? r->GetRepeatedEnum(m, f, index) : r->GetEnum(m, f))->name();
    case pb::FieldDescriptor::CPPTYPE_STRING: {
      std::string s = rep ? r->GetRepeatedString(m, f, index) : r->GetString(m, f);
      if (f->type() == pb::FieldDescriptor::TYPE_BYTES) return base64Encode(s);
      return s;
    }
    case pb::FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  return nullptr;
}

OrderedJson messageToJson(const pb::Message& m);

OrderedJson fieldToJson(const pb::Message& m, const pb::FieldDescriptor* f, int index) {
  if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {
    const pb::Reflection* r = m.GetReflection();
    return messageToJson(f->is_repeated() ? r->GetRepeatedMessage(m, f, index)
                                          : r->GetMessage(m, f));
  }
  return scalarToJson(m, f, index);
}

OrderedJson messageToJson(const pb::Message& m) {
  OrderedJson out = OrderedJson::object();
  const pb::Descriptor* d = m.GetDescriptor();
  const pb::Reflection* r = m.GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {  // Declaration order.
    const pb::FieldDescriptor* f = d->field(i);
    if (f->is_repeated()) {
      int n = r->FieldSize(m, f);
      if (n == 0) continue;
      OrderedJson array = OrderedJson::array();
      for (int j = 0; j < n; ++j) array.push_back(fieldToJson(m, f, j));
      out[f->name()] = std::move(array);
      continue;
    }
    bool emit_default = f->has_default_value() && !f->options().deprecated();
    if (!r->HasField(m, f) && !emit_default) continue;
    out[f->name()] = fieldToJson(m, f, -1);
  }
  return out;
}

Error fieldError(const pb::FieldDescriptor* f, const std::string& what) {
  return Error{"Failed to parse field '" + f->name() + "': " + what};
}

template <typename T>
Result<T> jsonInteger(const Json& v, const pb::FieldDescriptor* f) {
  if (v.is_number_integer()) {
    if constexpr (std::is_signed_v<T>) {
      int64_t x = v.get<int64_t>();
      if (x < std::numeric_limits<T>::min() || x > std::numeric_limits<T>::max()) {
        return fieldError(f, "out of range");
      }
      return static_cast<T>(x);
    } else {
      if (v.is_number_unsigned()) {
        uint64_t x = v.get<uint64_t>();
        if (x > std::numeric_limits<T>::max()) return fieldError(f, "out of range");
        return static_cast<T>(x);
      }
      return fieldError(f, "must not be negative");
    }
  }
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    T x{};
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
    if (ec != std::errc{} || end != s.data() + s.size()) return fieldError(f, "not a number");
    return x;
  }
  return fieldError(f, "expecting a number");
}

Result<void> setMessage(const Json& j, pb::Message& m);

Result<void> setValue(const Json& v, pb::Message& m, const pb::FieldDescriptor* f) {
  const pb::Reflection* r = m.GetReflection();
  bool rep = f->is_repeated();
#define AIRLOCK_SET(Type, Setter, Adder)             \
  {                                                  \
    auto x = jsonInteger<Type>(v, f);                \
    if (!x) return x.error();                        \
    rep ? r->Adder(&m, f, *x) : r->Setter(&m, f, *x); \
    return {};                                       \
  }
  switch (f->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_INT32: AIRLOCK_SET(int32_t, SetInt32, AddInt32)
    case pb::FieldDescriptor::CPPTYPE_INT64: AIRLOCK_SET(int64_t, SetInt64, AddInt64)
    case pb::FieldDescriptor::CPPTYPE_UINT32: AIRLOCK_SET(uint32_t, SetUInt32, AddUInt32)
    case pb::FieldDescriptor::CPPTYPE_UINT64: AIRLOCK_SET(uint64_t, SetUInt64, AddUInt64)
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
    case pb::FieldDescriptor::CPPTYPE_FLOAT: {
      if (!v.is_number()) return fieldError(f, "expecting a number");
      double x = v.get<double>();
      if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_FLOAT) {
        rep ? r->AddFloat(&m, f, static_cast<float>(x)) : r->SetFloat(&m, f, static_cast<float>(x));
      } else {
        rep ? r->AddDouble(&m, f, x) : r->SetDouble(&m, f, x);
      }
      return {};
    }
    case pb::FieldDescriptor::CPPTYPE_BOOL:
      if (!v.is_boolean()) return fieldError(f, "expecting a boolean");
      rep ? r->AddBool(&m, f, v.get<bool>()) : r->SetBool(&m, f, v.get<bool>());
      return {};
    case pb::FieldDescriptor::CPPTYPE_ENUM: {
      if (!v.is_string()) return fieldError(f, "expecting a string (enum name)");
      const pb::EnumValueDescriptor* e = f->enum_type()->FindValueByName(v.get<std::string>());
      if (e == nullptr) {
        if (rep) return fieldError(f, "unknown enum value '" + v.get<std::string>() + "'");
        return {};  // Mesos drops unknown names on optional enums.
      }
      rep ? r->AddEnum(&m, f, e) : r->SetEnum(&m, f, e);
      return {};
    }
    case pb::FieldDescriptor::CPPTYPE_STRING: {
      if (!v.is_string()) return fieldError(f, "expecting a string");
      std::string s = v.get<std::string>();
      if (f->type() == pb::FieldDescriptor::TYPE_BYTES) {
        auto decoded = base64DecodeLenient(s);
        if (!decoded) {
          return Error{"Failed to base64 decode bytes field '" + f->name() +
                       "': " + decoded.error().message};
        }
        s = std::move(*decoded);
      }
      rep ? r->AddString(&m, f, std::move(s)) : r->SetString(&m, f, std::move(s));
      return {};
    }
    case pb::FieldDescriptor::CPPTYPE_MESSAGE: {
      if (!v.is_object()) return fieldError(f, "expecting a JSON object");
      pb::Message* sub = rep ? r->AddMessage(&m, f) : r->MutableMessage(&m, f);
      return setMessage(v, *sub);
    }
  }
#undef AIRLOCK_SET
  return {};
}

Result<void> setMessage(const Json& j, pb::Message& m) {
  const pb::Descriptor* d = m.GetDescriptor();
  for (const auto& [key, value] : j.items()) {
    const pb::FieldDescriptor* f = d->FindFieldByName(key);
    if (f == nullptr || value.is_null()) continue;
    if (f->is_repeated()) {
      if (!value.is_array()) return fieldError(f, "expecting a JSON array");
      for (const auto& item : value) {
        if (auto r = setValue(item, m, f); !r) return r;
      }
      continue;
    }
    if (auto r = setValue(value, m, f); !r) return r;
  }
  return {};
}

}  // namespace

std::string base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < bytes.size()) {
    uint32_t v = uint8_t(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= uint8_t(bytes[i + 1]) << 8;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

Result<std::string> base64DecodeLenient(std::string_view text) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') break;
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\v') continue;
    const char* p = c == '\0' ? nullptr : std::strchr(kAlphabet, c);
    if (p == nullptr) return Error{"invalid base64 character"};
    acc = (acc << 6) | static_cast<uint32_t>(p - kAlphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

std::string toMesosJson(const pb::Message& message) {
  // Bytes that are not UTF-8 in a string field become U+FFFD rather than an
  // exception; bytes fields are base64 and never hit this.
  return messageToJson(message).dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

Result<void> fromMesosJson(std::string_view json, pb::Message& message) {
  Json parsed = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return Error{"Failed to parse body into JSON: syntax error"};
  if (!parsed.is_object()) return Error{"Failed to parse body into JSON: not an object"};
  message.Clear();
  if (auto r = setMessage(parsed, message); !r) return r;
  if (!message.IsInitialized()) {
    std::vector<std::string> missing;
    message.FindInitializationErrors(&missing);
    std::string list;
    for (const auto& name : missing) list += (list.empty() ? "" : ", ") + name;
    return Error{"Missing required fields: " + list};
  }
  return {};
}

}  // namespace airlock::agent
