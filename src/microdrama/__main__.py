from microdrama.cli import main

main()
