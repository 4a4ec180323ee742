from dibao_cli.cli import main

main()
