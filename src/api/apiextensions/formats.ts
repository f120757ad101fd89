// The OpenAPI string and number formats CRD schemas may use, checked as kube-openapi's strfmt
// registry does for the common ones; unknown formats accept anything (as Kubernetes does).
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const dateTime = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const date = /^\d{4}-\d{2}-\d{2}$/;
const ipv4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const hostname = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/i;
const email = /^[^@\s]+@[^@\s]+$/;
const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const duration = /^(\d+(\.\d+)?(ns|us|\u00b5s|ms|s|m|h))+$/;

/** True when `value` satisfies `format` (or the format is not one that is checked). */
export function checkFormat(format: string, value: string | number): boolean {
  if (typeof value === "number") {
    if (format === "int32") return Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31;
    return true;
  }
  switch (format) {
    case "uuid":
    case "uuid3":
    case "uuid4":
    case "uuid5":
      return uuid.test(value);
    case "date-time":
    case "datetime":
      return dateTime.test(value) && !Number.isNaN(Date.parse(value.replace(" ", "T")));
    case "date":
      return date.test(value);
    case "ipv4":
      return ipv4.test(value);
    case "ipv6":
      return value.includes(":") && /^[0-9a-fA-F:.]+$/.test(value);
    case "hostname":
      return value.length <= 253 && hostname.test(value);
    case "email":
      return email.test(value);
    case "byte":
      return base64.test(value);
    case "duration":
      return duration.test(value);
    default:
      return true;
  }
}
