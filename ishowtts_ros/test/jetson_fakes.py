# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Fake Jetsons at the hardware edge: sysfs/procfs/etc trees and nvpmodel/jetson_clocks.

The fake executables record their argv in ``commands.log`` under the tree, change the
tree as the real tools would, and fail (exit 1, "Permission denied") while a file
``fail_<tool>`` exists in the tree. While ``nvpmodel_query`` exists, ``nvpmodel -q``
prints its content instead (output of another L4T release, say).
"""

import json
import os
import stat
import sys

ORIN_MODES = [(0, "MAXN"), (1, "MODE_15W"), (2, "MODE_30W"), (3, "MODE_50W")]
XAVIER_MODES = [(0, "MAXN"), (1, "MODE_10W"), (2, "MODE_15W"), (3, "MODE_30W_ALL")]

NVPMODEL = r"""#!{python}
import json, os, sys
root = {root!r}
modes = dict({modes!r})
with open(os.path.join(root, "commands.log"), "a") as log:
    log.write(json.dumps(["nvpmodel"] + sys.argv[1:]) + "\n")
if os.path.exists(os.path.join(root, "fail_nvpmodel")):
    sys.stderr.write("NVPM ERROR: Permission denied\n")
    sys.exit(1)
status = os.path.join(root, "var/lib/nvpmodel/status")
query = os.path.join(root, "nvpmodel_query")
if sys.argv[1:] == ["-q"] and os.path.exists(query):
    print(open(query).read())
elif sys.argv[1:] == ["-q"]:
    mode = int(open(status).read())
    print("NV Power Mode: " + modes[mode])
    print(mode)
elif sys.argv[1:2] == ["-m"]:
    open(status, "w").write(sys.argv[2])
else:
    sys.exit(2)
"""

JETSON_CLOCKS = r"""#!{python}
import json, os, sys
root = {root!r}
gpu = os.path.join(root, {gpu!r})
store = os.path.join(root, "var/lib/jetson_clocks_store.json")
with open(os.path.join(root, "commands.log"), "a") as log:
    log.write(json.dumps(["jetson_clocks"] + sys.argv[1:]) + "\n")
if os.path.exists(os.path.join(root, "fail_jetson_clocks")):
    sys.stderr.write("Error: Permission denied, run as root\n")
    sys.exit(1)
def read(name):
    return open(os.path.join(gpu, name)).read().strip()
def write(name, value):
    open(os.path.join(gpu, name), "w").write(str(value))
if sys.argv[1:] == []:
    top = read("max_freq")
    write("min_freq", top)
    write("cur_freq", top)
elif sys.argv[1:] == ["--store"]:
    json.dump({{"min_freq": read("min_freq"), "cur_freq": read("cur_freq")}}, open(store, "w"))
elif sys.argv[1:] == ["--restore"]:
    for name, value in json.load(open(store)).items():
        write(name, value)
else:
    sys.exit(2)
"""


def write(root, path, text):
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w", encoding="utf-8") as stream:
        stream.write(text)


def make_tree(root, board="orin", throttled=True, mode=2):
    """Write a Jetson's files: Orin (ga10b devfreq, R36) or Xavier (gv11b, R35)."""
    root = str(root)
    if board == "orin":
        gpu, top, modes = "sys/class/devfreq/17000000.ga10b", 1300500000, ORIN_MODES
        write(
            root,
            "etc/nv_tegra_release",
            "# R36 (release), REVISION: 4.0, GCID: 1, BOARD: generic\n",
        )
        write(root, "proc/device-tree/model", "NVIDIA Jetson AGX Orin Developer Kit\x00")
        write(root, "sys/class/devfreq/gpu-gpc-0/cur_freq", "306000000")
        write(root, "sys/class/devfreq/gpu-gpc-0/max_freq", str(top))
    else:
        gpu, top, modes = "sys/class/devfreq/17000000.gv11b", 1377000000, XAVIER_MODES
        write(
            root,
            "etc/nv_tegra_release",
            "# R35 (release), REVISION: 5.0, GCID: 1, BOARD: t186ref\n",
        )
        write(root, "proc/device-tree/model", "Jetson-AGX\x00")
    low = 306000000 if throttled else top
    write(root, f"{gpu}/cur_freq", str(low))
    write(root, f"{gpu}/min_freq", str(low))
    write(root, f"{gpu}/max_freq", str(top))
    write(root, f"{gpu}/device/load", "421")
    write(
        root,
        "etc/nvpmodel.conf",
        "< PM_CONFIG DEFAULT=2 >\n"
        + "".join(
            f"< POWER_MODEL ID={i} NAME={name} >\nCPU_ONLINE CORE_0 1\n" for i, name in modes
        ),
    )
    write(root, "var/lib/nvpmodel/status", str(mode))
    for cpu in range(4):
        if cpu:
            write(root, f"sys/devices/system/cpu/cpu{cpu}/online", "1" if cpu < 3 else "0")
        write(root, f"sys/devices/system/cpu/cpu{cpu}/cpufreq/scaling_cur_freq", "1984000")
        write(root, f"sys/devices/system/cpu/cpu{cpu}/cpufreq/cpuinfo_max_freq", "2201600")
    for index, (name, milli) in enumerate(
        [
            ("cpu-thermal", 45500),
            ("gpu-thermal", 44000),
            ("tj-thermal", 47250),
            ("absent", -256000),
        ]
    ):
        write(root, f"sys/class/thermal/thermal_zone{index}/type", name)
        write(root, f"sys/class/thermal/thermal_zone{index}/temp", str(milli))
    hwmon = "sys/bus/i2c/drivers/ina3221/1-0040/hwmon/hwmon3"
    for channel, (label, mv, ma) in enumerate(
        [("VDD_GPU_SOC", 5000, 1200), ("VDD_CPU_CV", 5000, 400)], 1
    ):
        write(root, f"{hwmon}/in{channel}_label", label)
        write(root, f"{hwmon}/in{channel}_input", str(mv))
        write(root, f"{hwmon}/curr{channel}_input", str(ma))
    write(
        root,
        "proc/meminfo",
        "MemTotal:       32000000 kB\nMemFree:  1000 kB\n"
        "MemAvailable:   24000000 kB\nSwapTotal:       4000000 kB\nSwapFree:        3000000 kB\n",
    )
    write(root, "sys/class/hwmon/hwmon0/name", "pwmfan")
    write(root, "sys/class/hwmon/hwmon0/pwm1", "128")
    return {"root": root, "gpu": os.path.join(root, gpu), "top": top, "modes": modes}


def make_tools(tree, bin_dir):
    """Fake nvpmodel and jetson_clocks for ``tree``; returns their paths."""
    os.makedirs(bin_dir, exist_ok=True)
    paths = {}
    for name, template in (("nvpmodel", NVPMODEL), ("jetson_clocks", JETSON_CLOCKS)):
        path = os.path.join(str(bin_dir), name)
        gpu = os.path.relpath(tree["gpu"], tree["root"])
        with open(path, "w", encoding="utf-8") as stream:
            stream.write(
                template.format(
                    python=sys.executable, root=tree["root"], modes=tree["modes"], gpu=gpu
                )
            )
        os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
        paths[name] = path
    return paths


def commands(tree):
    path = os.path.join(tree["root"], "commands.log")
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as stream:
        return [json.loads(line) for line in stream]
