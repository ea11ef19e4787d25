#!/usr/bin/env python
from safercity.__main__ import main

if __name__ == "__main__":
    main()
