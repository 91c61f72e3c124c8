// ecosystem/names.hpp: the name normalisers and release rules the table uses.
#pragma once

#include <string>
#include <string_view>

namespace dagda::eco {

std::string lower_name(std::string_view name);   // composer, nuget, retire.js components
std::string pep503_name(std::string_view name);  // PyPI: lower case, runs of -_. as one '-'
std::string maven_name(std::string_view name);   // "group/artifact" -> "group:artifact"

std::string debian_release(std::string_view release);  // "12", "12.4", "bookworm", "sid" -> "12" / "sid"
std::string ubuntu_release(std::string_view release);  // "18.04", "18.04.6", "bionic" -> "18.04"
std::string alpine_release(std::string_view release);  // "3.10.4", "v3.10", "edge" -> "3.10" / "edge"
std::string major_release(std::string_view release);   // "8.2", "el8", "7" -> "8" / "7"
// SUSE (by service pack), Azure Linux/CBL-Mariner, Photon: "15.5", "15-SP5", "15 SP5" -> "15.5"; "15" -> "15";
// "2.0.20240101" -> "2.0".
std::string major_minor_release(std::string_view release);
// Amazon Linux: "2018.03" (and any 20xx.yy of Amazon Linux 1) -> "1"; "2" -> "2"; "2023.6.20241010" -> "2023".
std::string amazon_release(std::string_view release);
// Rolling distros (Wolfi, Chainguard): any release -> "rolling".
std::string rolling_release(std::string_view release);

}  // namespace dagda::eco
