#!/usr/bin/env bash
# 年终复核：把文件夹里每个乡镇的12月名册导入台账，列出到期的核查，写出各乡镇核查清单和汇总。
# Year-end review: import each township's December roster, list what is due, write the lists and a summary.
#
# 用法 / usage:  bash year-end-review.sh 名册文件夹 [年份] [输出文件夹]
#   例：bash year-end-review.sh 各乡镇名册 2026 年终复核
# 台账位置按 dibao 的规则：环境变量 DIBAO_DB，否则当前文件夹的 dibao.db。
# 遇到第一个无法读取或有错误的名册就停下，并说出它的文件名。
set -u

folder="${1:?用法：bash year-end-review.sh 名册文件夹 [年份] [输出文件夹]}"
year="${2:-$(date +%Y)}"
out="${3:-年终复核-$year}"
month="$year-12"

mkdir -p "$out" || { echo "无法建立输出文件夹 $out" >&2; exit 5; }
shopt -s nullglob
files=("$folder"/*.xlsx "$folder"/*.xls "$folder"/*.csv)
if [ ${#files[@]} -eq 0 ]; then
  echo "文件夹 $folder 中没有名册（.xlsx/.xls/.csv）" >&2
  exit 3
fi

summary="$out/汇总.txt"
: > "$summary"
echo "年终复核 $month（$(date +%F)）" >> "$summary"
for file in "${files[@]}"; do
  name="$(basename "$file")"
  name="${name%.*}"
  echo "== $name"
  dibao check "$file" --date "$year-12-31" --format xlsx -o "$out/$name-问题清单.xlsx" --force > /dev/null
  status=$?
  if [ $status -eq 3 ]; then
    echo "停止：无法读取名册 $file" >&2
    exit 3
  elif [ $status -ne 0 ]; then
    echo "停止：名册 $file 有错误，问题清单见 $out/$name-问题清单.xlsx" >&2
    exit $status
  fi
done

# 全部名册可读后一次导入（同一个月的各乡镇名册一起导入）
dibao import "${files[@]}" --month "$month" --replace >> "$summary" || { echo "停止：导入失败" >&2; exit 1; }
dibao review --month "$month" --as-of "$year-12-31" --within 31 --format xlsx -o "$out/到期核查清单.xlsx" --force >> "$summary"
review_status=$?
dibao review --month "$month" --as-of "$year-12-31" --within 31 --format csv -o "$out/到期核查清单.csv" --force > /dev/null
dibao assess "${files[@]}" --date "$year-12-31" --format xlsx -o "$out/核算结果.xlsx" --force >> "$summary"
if [ $review_status -eq 1 ]; then
  echo "有到期核查，清单：$out/到期核查清单.xlsx" | tee -a "$summary"
elif [ $review_status -ne 0 ]; then
  echo "列出到期核查时出错（状态 $review_status）" >&2
  exit $review_status
else
  echo "没有到期的核查。" | tee -a "$summary"
fi
echo "汇总：$summary"
