#!/usr/bin/python3
"""Reads Debian copyright files with python-debian (Debian's python3-debian), the
oracle of tests/unit/catalog/deb_copyright_test.cpp.

For each path: "PATH<TAB>1<TAB>NAMES" for a machine-readable (DEP-5) file, NAMES
being the License short names of the header and of every Files paragraph, each
once, in file order, separated by 0x1f; "PATH<TAB>0<TAB>" for any other file;
"PATH<TAB>ERR<TAB>why" when python-debian refuses the file.
"""
import sys
import warnings

import debian.copyright as dc

warnings.simplefilter("ignore")


def main() -> None:
    for path in sys.stdin.read().split("\n"):
        if not path:
            continue
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                c = dc.Copyright(f, strict=False)
        except dc.NotMachineReadableError:
            print(f"{path}\t0\t")
            continue
        except Exception as e:  # pylint: disable=broad-except
            print(f"{path}\tERR\t{type(e).__name__}".replace("\n", " "))
            continue
        names = []

        def add(lic):
            if lic is None:
                return
            syn = " ".join(lic.synopsis.split())
            if syn and syn not in names:
                names.append(syn)

        add(c.header.license)
        for p in c.all_files_paragraphs():
            add(p.license)
        print(f"{path}\t1\t" + "\x1f".join(names))


if __name__ == "__main__":
    main()
