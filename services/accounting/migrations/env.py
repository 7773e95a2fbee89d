from ic_platform.migration_env import run

run()
