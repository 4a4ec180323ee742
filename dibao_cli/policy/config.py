"""The working-folder config (dibao.toml, written by `dibao init`): which county and which policy files."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dibao_cli.errors import PolicyInvalid
from dibao_cli.policy.loader import check_region, region_name, tomllib

CONFIG_NAME = "dibao.toml"
KEYS = {"region", "policy"}


@dataclass
class Config:
    path: Path | None = None
    region: str | None = None
    policy: list[Path] = field(default_factory=list)


def read_config(folder: Path | None = None) -> Config:
    path = (folder or Path.cwd()) / CONFIG_NAME
    if not path.exists():
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PolicyInvalid(f"工作文件夹设置 {path} 格式有误：{exc}。可删除后用 dibao init 重新生成。") from None
    unknown = set(data) - KEYS
    if unknown:
        raise PolicyInvalid(f"工作文件夹设置 {path} 有不认识的键：{'、'.join(sorted(unknown))}（只能有 region、policy）。")
    region = data.get("region")
    if region is not None:
        region = str(region)
        check_region(region)
    policies = data.get("policy", [])
    if isinstance(policies, str):
        policies = [policies]
    if not isinstance(policies, list) or not all(isinstance(p, str) for p in policies):
        raise PolicyInvalid(f"工作文件夹设置 {path} 中 policy 应为文件名或文件名列表。")
    return Config(path, region, [(path.parent / p) for p in policies])


def config_text(region: str, policies: list[str]) -> str:
    check_region(region)
    lines = ["# dibao 工作文件夹设置（由 dibao init 生成，可用记事本修改）",
             f"# 地区：{region_name(region)}", f'region = "{region}"']
    if policies:
        lines.append("# 本地政策文件（相对于本文件夹）")
        lines.append("policy = [" + ", ".join(f'"{p}"' for p in policies) + "]")
    return "\n".join(lines) + "\n"


def choose_policy(region: str | None, paths: list[Path] | tuple = (), folder: Path | None = None):
    """Options first, then the working folder's dibao.toml, then the province-wide values."""
    from dibao_cli.policy import load_policy

    config = read_config(folder)
    if region is None and not paths:
        region, paths = config.region, config.policy
    policy = load_policy(region, list(paths))
    if config.path is None and region is None and not paths:
        policy.notes.append("未指定地区（没有 --region/--policy，也没有 dibao init 生成的 dibao.toml）：采用青海省级数值。")
    return policy
