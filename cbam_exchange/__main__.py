from cbam_exchange.cli import main

main()
